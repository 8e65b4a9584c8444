using System.Collections.Immutable;

namespace Verity.Core.Configuration;

/// <summary>
/// Reads <c>validators:</c>: the name and type of each entry, then the rest through the entry's
/// <see cref="IValidatorType"/>.
/// </summary>
internal static class ValidatorsReader
{
    public static ImmutableArray<ValidatorDefinition> ReadAll(YamlMapping body, ConfigLayout layout, ValidatorTypeRegistry types, ISet<string> broken)
    {
        var context = body.Context;
        var sequence = body.Sequence("validators");
        var path = body.PathOf("validators");
        if (sequence is null || sequence.Children.Count == 0)
        {
            context.Error(path, body.Node, "at least one validator is needed, e.g. - name: default, type: static, approve: true");
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ValidatorDefinition>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in sequence)
        {
            var itemPath = $"{path}[{index++}]";
            var mapping = YamlMapping.From(context, item, itemPath);
            if (mapping is null)
            {
                continue;
            }

            var definition = Read(new ConfigSection(mapping, layout), types, out bool knownType);
            mapping.RejectUnknown();
            var name = mapping.String("name");
            if (!knownType)
            {
                continue;
            }

            if (definition is null)
            {
                // Rules that use this validator are not reported as naming an undefined validator: the cause is here.
                if (!string.IsNullOrEmpty(name))
                {
                    broken.Add(name);
                }

                continue;
            }

            if (names.TryGetValue(definition.Name, out var first))
            {
                context.Error(mapping.PathOf("name"), mapping.Get("name"), $"the validator name \"{definition.Name}\" is already used by {first}; names must be unique");
                continue;
            }

            names[definition.Name] = itemPath;
            result.Add(definition);
        }

        return result.ToImmutable();
    }

    private static ValidatorDefinition? Read(ConfigSection v, ValidatorTypeRegistry types, out bool knownType)
    {
        knownType = false;
        var name = v.GetString("name");
        var typeName = v.GetString("type");
        var known = string.Join(", ", types.Names);
        if (string.IsNullOrEmpty(name))
        {
            v.Error("name", "the validator is missing a name");
        }

        if (string.IsNullOrEmpty(typeName))
        {
            v.Error("type", $"the validator{(name is null ? string.Empty : $" \"{name}\"")} is missing a type (one of {known})");
            return null;
        }

        if (name is not null && (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)))
        {
            v.Error("name", $"the validator name \"{name}\" must not contain / or \\");
        }

        var type = types.Find(typeName);
        if (type is null)
        {
            v.Error("type", typeName == "notaryv2"
                ? "type \"notaryv2\" was never implemented by Connaisseur; use type: notation for Notary Project signatures"
                : $"unsupported validator type \"{typeName}\" (one of {known})");
            v.Ignore([.. v.Keys]);
            return null;
        }

        knownType = true;
        var definition = type.ReadValidator(name ?? string.Empty, v);
        if (definition is null || string.IsNullOrEmpty(name))
        {
            return null;
        }

        return definition with { Name = name, Path = v.Path };
    }
}
