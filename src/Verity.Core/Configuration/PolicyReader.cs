using System.Collections.Immutable;
using Verity.Core.Policy;

namespace Verity.Core.Configuration;

/// <summary>
/// Reads <c>policy:</c>: each rule's pattern, validator and <c>with:</c> options, the options bound by the
/// validator's type.
/// </summary>
internal static class PolicyReader
{
    public static ImagePolicy? Read(
        YamlMapping body, ConfigLayout layout, ImmutableArray<ValidatorDefinition> validators, ValidatorTypeRegistry types, IReadOnlySet<string> broken)
    {
        var context = body.Context;
        var sequence = body.Sequence("policy");
        var path = body.PathOf("policy");
        if (sequence is null || sequence.Children.Count == 0)
        {
            context.Error(path, body.Node, "the policy needs at least one rule, e.g. - pattern: \"*:*\"");
            return null;
        }

        var rules = ImmutableArray.CreateBuilder<PolicyRule>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in sequence)
        {
            var rulePath = $"{path}[{index}]";
            var rule = YamlMapping.From(context, item, rulePath);
            if (rule is not null)
            {
                var read = ReadRule(rule, layout, index, validators, types, broken);
                if (read is not null)
                {
                    rules.Add(read);
                    if (seen.TryGetValue(read.Pattern.Normalized, out var earlier))
                    {
                        context.Warning(rulePath, item,
                            $"pattern \"{read.Pattern.Original}\" is the same as the rule at {earlier}; the later rule wins");
                    }

                    seen[read.Pattern.Normalized] = rulePath;
                }

                rule.RejectUnknown();
            }

            index++;
        }

        return new ImagePolicy(rules.ToImmutable());
    }

    private static PolicyRule? ReadRule(
        YamlMapping rule, ConfigLayout layout, int index, ImmutableArray<ValidatorDefinition> validators, ValidatorTypeRegistry types, IReadOnlySet<string> broken)
    {
        var context = rule.Context;
        var patternText = rule.String("pattern", required: true);
        PolicyPattern? pattern = null;
        if (patternText is not null && !PolicyPattern.TryParse(patternText, out pattern, out var patternError))
        {
            context.Error(rule.PathOf("pattern"), rule.Get("pattern"), patternError);
        }

        var validatorName = rule.String("validator") ?? PolicyRule.DefaultValidator;
        var validator = validators.FirstOrDefault(v => v.Name == validatorName);
        if (validator is null && broken.Contains(validatorName))
        {
            context.Error(
                rule.Has("validator") ? rule.PathOf("validator") : rule.Path,
                rule.Get("validator") ?? rule.Node,
                $"follow-on error: validator \"{validatorName}\" could not be loaded (see its errors above)");
        }
        else if (validator is null && (!validators.IsDefaultOrEmpty || broken.Count > 0))
        {
            var defined = string.Join(", ", validators.Select(v => v.Name).Concat(broken).Distinct(StringComparer.Ordinal));
            context.Error(
                rule.Has("validator") ? rule.PathOf("validator") : rule.Path,
                rule.Get("validator") ?? rule.Node,
                rule.Has("validator")
                    ? $"the rule names validator \"{validatorName}\", which is not defined (defined: {defined})"
                    : $"the rule names no validator and there is no validator called \"default\" (defined: {defined}); add validator: <name>");
        }

        var options = ReadOptions(rule, layout, validator, types);
        if (pattern is null || options is null || validator is null)
        {
            return null;
        }

        return new PolicyRule { Pattern = pattern, Validator = validatorName, Options = options, Index = index };
    }

    private static RuleOptions? ReadOptions(YamlMapping rule, ConfigLayout layout, ValidatorDefinition? validator, ValidatorTypeRegistry types)
    {
        var context = rule.Context;
        ConfigSection with;
        if (rule.Has("with"))
        {
            var mapping = rule.Mapping("with");
            if (mapping is null)
            {
                return null;
            }

            with = new ConfigSection(mapping, layout);
        }
        else
        {
            rule.Ignore("with");
            with = ConfigSection.Empty(context, rule.Path, layout);
        }

        var mode = ReadMode(with);
        var type = validator is null ? null : types.Find(validator.Type);
        var options = type is null ? RuleOptions.Default : type.ReadRuleOptions(with, validator!);
        foreach (var key in with.Keys.ToArray())
        {
            var owners = types.TypesReadingOption(key);
            if (owners.Count > 0 && validator is not null && !owners.Contains(validator.Type))
            {
                with.Warning(key, $"\"{key}\" applies to {string.Join(" and ", owners)} validators only; validator \"{validator.Name}\" is {validator.Type} and ignores it");
                with.Ignore(key);
            }
            else if (owners.Count > 0 && validator is null)
            {
                with.Ignore(key);
            }
        }

        with.RejectUnknown();
        return options is null || mode is null ? null : options with { Mode = mode.Value };
    }

    private static ValidationMode? ReadMode(ConfigSection with)
    {
        var mode = with.GetString("mode");
        switch (mode)
        {
            case null or "mutate":
                return ValidationMode.Mutate;
            case "insecureValidateOnly":
                return ValidationMode.InsecureValidateOnly;
            default:
                with.Error("mode", $"mode \"{mode}\" is not one of mutate, insecureValidateOnly");
                return null;
        }
    }
}
