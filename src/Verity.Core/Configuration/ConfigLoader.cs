using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Verity.Core.Policy;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>
/// Reads a Connaisseur configuration as it is: v3 Helm values (<c>application:</c>), v2 Helm values
/// (top-level <c>validators</c>/<c>policy</c> with snake_case keys) or a bare file.
/// </summary>
/// <remarks>
/// Every problem is collected, with the file, line and key path, before the load fails with a
/// <see cref="ConfigurationException"/>; nothing half-loaded is ever returned. Beyond Connaisseur, a rule
/// naming a validator or trust root that does not exist, a duplicate name, an invalid glob or key material
/// that cannot be read are caught here rather than when the first request needs them.
/// </remarks>
public static class ConfigLoader
{
    private static readonly string[] V2FeatureKeys =
        ["detectionMode", "namespacedValidation", "automaticChildApproval", "automaticUnchangedApproval", "debug"];

    private static readonly string[] V2OnlyKeys = ["deployment", "service", .. V2FeatureKeys];

    /// <summary>Reads and validates a configuration file.</summary>
    /// <exception cref="ConfigurationException">The file cannot be read or has errors.</exception>
    public static VerityConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConfigurationException([new ConfigError(path, string.Empty, 0, $"cannot read the configuration file: {e.Message}")]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates configuration text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ConfigurationException">The text has errors.</exception>
    public static VerityConfiguration Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var context = new ConfigContext(source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException(
                [new ConfigError(source, string.Empty, (int)e.Start.Line, $"not valid YAML: {e.InnerException?.Message ?? e.Message}")]);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ConfigurationException([new ConfigError(
                source, string.Empty, 0, stream.Documents.Count == 0 ? "the file is empty" : "the file has more than one YAML document")]);
        }

        var root = YamlMapping.From(context, stream.Documents[0].RootNode, string.Empty);
        var configuration = root is null ? null : Read(context, root);
        if (context.Errors.Count > 0 || configuration is null)
        {
            throw new ConfigurationException([.. context.Errors]);
        }

        return configuration with { Warnings = [.. context.Warnings] };
    }

    private static VerityConfiguration? Read(ConfigContext context, YamlMapping root)
    {
        ConfigLayout layout;
        YamlMapping body;
        if (root.Has("application"))
        {
            layout = ConfigLayout.HelmValuesV3;
            var application = root.Mapping("application");
            if (application is null)
            {
                return null;
            }

            body = application;
            root.Ignore("kubernetes", "global", "nameOverride", "fullnameOverride");
        }
        else if (root.Has("validators") || root.Has("policy"))
        {
            body = root;
            bool v2 = !root.Has("features") && V2OnlyKeys.Any(root.Has);
            layout = v2 ? ConfigLayout.HelmValuesV2 : ConfigLayout.Bare;
            root.Ignore("deployment", "service", "kubernetes", "nameOverride", "fullnameOverride");
        }
        else
        {
            context.Error(string.Empty, root.Node,
                "no validators found: expected application.validators (Connaisseur v3 Helm values) or top-level validators (Connaisseur v2 values or a bare configuration)");
            return null;
        }

        var validators = ValidatorReader.ReadAll(body, layout);
        var policy = ReadPolicy(body, validators);
        var features = ReadFeatures(root, body, layout);
        var logging = ReadLogging(root, body, layout);
        var alerting = root.Has("alerting") ? ReadAlerting(root.Mapping("alerting")) : AlertingSettings.None;

        if (!ReferenceEquals(body, root))
        {
            body.RejectUnknown();
        }

        root.RejectUnknown();
        if (policy is null)
        {
            return null;
        }

        return new VerityConfiguration
        {
            Source = context.File,
            Layout = layout,
            Validators = validators,
            Policy = policy,
            Features = features,
            Logging = logging,
            Alerting = alerting,
        };
    }

    private static ImagePolicy? ReadPolicy(YamlMapping body, ImmutableArray<ValidatorDefinition> validators)
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
                var read = ReadRule(rule, index, validators);
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

    private static PolicyRule? ReadRule(YamlMapping rule, int index, ImmutableArray<ValidatorDefinition> validators)
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
        if (validator is null && !validators.IsDefaultOrEmpty)
        {
            var defined = string.Join(", ", validators.Select(v => v.Name));
            context.Error(
                rule.Has("validator") ? rule.PathOf("validator") : rule.Path,
                rule.Get("validator") ?? rule.Node,
                rule.Has("validator")
                    ? $"the rule names validator \"{validatorName}\", which is not defined (defined: {defined})"
                    : $"the rule names no validator and there is no validator called \"default\" (defined: {defined}); add validator: <name>");
        }

        var options = rule.Has("with") ? ReadOptions(rule.Mapping("with"), validator) : ReadOptions(null, validator, rule);
        if (pattern is null || options is null || validator is null)
        {
            return null;
        }

        return new PolicyRule { Pattern = pattern, Validator = validatorName, Options = options, Index = index };
    }

    private static RuleOptions? ReadOptions(YamlMapping? with, ValidatorDefinition? validator, YamlMapping? rule = null)
    {
        var options = RuleOptions.Default;
        if (with is not null)
        {
            var context = with.Context;
            var mode = with.String("mode");
            if (mode is not null)
            {
                ValidationMode? parsed = mode switch
                {
                    "mutate" => ValidationMode.Mutate,
                    "insecureValidateOnly" => ValidationMode.InsecureValidateOnly,
                    _ => null,
                };
                if (parsed is null)
                {
                    context.Error(with.PathOf("mode"), with.Get("mode"), $"mode \"{mode}\" is not one of mutate, insecureValidateOnly");
                }
                else
                {
                    options = options with { Mode = parsed.Value };
                }
            }

            var delegations = with.StringList("delegations");
            var required = with.StringList("required");
            var level = with.String("verificationLevel");
            var timestamp = with.String("verifyTimestamp");
            options = options with
            {
                TrustRoot = with.String("trustRoot"),
                Delegations = delegations is null ? [] : [.. delegations.Select(d => d.StartsWith("targets/", StringComparison.Ordinal) ? d : "targets/" + d)],
                Threshold = with.Int("threshold", min: 0),
                Required = required is null ? [] : [.. required],
                VerifyInTransparencyLog = with.Bool("verifyInTransparencyLog") ?? true,
                VerifySct = with.Bool("verifySCT") ?? true,
                AcceptSignedPlatforms = with.Bool("acceptSignedPlatforms") ?? false,
                VerificationLevel = level ?? "strict",
                VerifyTimestamp = timestamp ?? "always",
            };

            if (level is not null and not ("strict" or "permissive" or "audit"))
            {
                context.Error(with.PathOf("verificationLevel"), with.Get("verificationLevel"), $"verificationLevel \"{level}\" is not one of strict, permissive, audit");
            }

            if (timestamp is not null and not ("always" or "afterCertExpiry"))
            {
                context.Error(with.PathOf("verifyTimestamp"), with.Get("verifyTimestamp"), $"verifyTimestamp \"{timestamp}\" is not one of always, afterCertExpiry");
            }

            if (delegations is { Count: > 0 } && required is { Count: > 0 })
            {
                context.Error(with.Path, with.Node, "delegations (notaryv1) and required (cosign) cannot both be set");
            }

            if (validator is not null)
            {
                CheckApplicable(with, validator);
            }

            with.RejectUnknown();
        }

        if (validator is not null && validator.TrustRoots.Length > 0)
        {
            var at = with ?? rule!;
            CheckTrustRoots(at, validator, options);
        }

        return options;
    }

    private static void CheckApplicable(YamlMapping with, ValidatorDefinition validator)
    {
        (string Key, string Type)[] specific =
        [
            ("delegations", NotaryV1ValidatorDefinition.TypeName),
            ("threshold", CosignValidatorDefinition.TypeName),
            ("required", CosignValidatorDefinition.TypeName),
            ("verifyInTransparencyLog", CosignValidatorDefinition.TypeName),
            ("verifySCT", CosignValidatorDefinition.TypeName),
            ("acceptSignedPlatforms", CosignValidatorDefinition.TypeName),
            ("verificationLevel", NotationValidatorDefinition.TypeName),
            ("verifyTimestamp", NotationValidatorDefinition.TypeName),
        ];
        foreach (var (key, type) in specific)
        {
            if (with.Has(key) && validator.Type != type)
            {
                with.Context.Warning(with.PathOf(key), with.Get(key),
                    $"\"{key}\" applies to {type} validators only; validator \"{validator.Name}\" is {validator.Type} and ignores it");
            }
        }

        if (with.Has("trustRoot") && validator.Type == StaticValidatorDefinition.TypeName)
        {
            with.Context.Warning(with.PathOf("trustRoot"), with.Get("trustRoot"), $"static validator \"{validator.Name}\" has no trust roots and ignores trustRoot");
        }
    }

    private static void CheckTrustRoots(YamlMapping at, ValidatorDefinition validator, RuleOptions options)
    {
        var context = at.Context;
        var names = string.Join(", ", validator.TrustRoots.Select(r => r.Name));
        var trustRoot = options.TrustRoot ?? "default";
        if (trustRoot != "*" && validator.FindTrustRoot(trustRoot) is null)
        {
            context.Error(
                options.TrustRoot is null ? at.Path : at.PathOf("trustRoot"),
                options.TrustRoot is null ? at.Node : at.Get("trustRoot"),
                options.TrustRoot is null
                    ? $"the rule names no trust root and validator \"{validator.Name}\" has none called \"default\" (trust roots: {names}); add with.trustRoot"
                    : $"validator \"{validator.Name}\" has no trust root \"{trustRoot}\" (trust roots: {names})");
        }

        int i = 0;
        foreach (var required in options.Required)
        {
            if (validator.FindTrustRoot(required) is null)
            {
                context.Error($"{at.PathOf("required")}[{i}]", at.Get("required"), $"validator \"{validator.Name}\" has no trust root \"{required}\" (trust roots: {names})");
            }

            i++;
        }
    }

    private static FeatureSettings ReadFeatures(YamlMapping root, YamlMapping body, ConfigLayout layout)
    {
        var features = FeatureSettings.Default;
        YamlMapping? source;
        if (layout == ConfigLayout.HelmValuesV2)
        {
            source = root;
        }
        else
        {
            source = body.Has("features") ? body.Mapping("features") : null;
            if (source is null)
            {
                return features;
            }
        }

        var context = source.Context;
        features = features with
        {
            DetectionMode = Toggle(source, "detectionMode") ?? features.DetectionMode,
            AutomaticChildApproval = Toggle(source, "automaticChildApproval") ?? features.AutomaticChildApproval,
            AutomaticUnchangedApproval = Toggle(source, "automaticUnchangedApproval") ?? features.AutomaticUnchangedApproval,
        };

        var namespaced = source.Get("namespacedValidation");
        if (namespaced is YamlScalarNode { Value: { } flag })
        {
            if (YamlMapping.TryParseBool(flag, out var on))
            {
                features = features with { NamespacedValidation = on ? NamespacedValidationMode.Ignore : NamespacedValidationMode.Off };
            }
            else
            {
                context.Error(source.PathOf("namespacedValidation"), namespaced, $"expected a mapping with mode: ignore|validate, or false, found {ConfigContext.Describe(namespaced)}");
            }
        }
        else if (namespaced is not null && YamlMapping.From(context, namespaced, source.PathOf("namespacedValidation")) is { } ns)
        {
            var enabled = ns.Bool("enabled") ?? true;
            var mode = ns.String("mode") ?? "ignore";
            NamespacedValidationMode? parsed = mode switch
            {
                "ignore" => NamespacedValidationMode.Ignore,
                "validate" => NamespacedValidationMode.Validate,
                _ => null,
            };
            if (parsed is null)
            {
                context.Error(ns.PathOf("mode"), ns.Get("mode"), $"mode \"{mode}\" is not one of ignore, validate");
            }
            else
            {
                features = features with { NamespacedValidation = enabled ? parsed.Value : NamespacedValidationMode.Off };
            }

            ns.RejectUnknown();
        }

        if (layout != ConfigLayout.HelmValuesV2)
        {
            var resourceMode = source.String("resourceValidationMode");
            if (resourceMode is not null)
            {
                if (resourceMode.Equals("all", StringComparison.OrdinalIgnoreCase))
                {
                    features = features with { ResourceValidationMode = ResourceValidationMode.All };
                }
                else if (resourceMode.Equals("podsOnly", StringComparison.OrdinalIgnoreCase))
                {
                    features = features with { ResourceValidationMode = ResourceValidationMode.PodsOnly };
                }
                else
                {
                    context.Error(source.PathOf("resourceValidationMode"), source.Get("resourceValidationMode"), $"resourceValidationMode \"{resourceMode}\" is not one of all, podsOnly");
                }
            }

            var cache = source.Get("cache");
            if (cache is YamlScalarNode { Value: { } cacheFlag } && YamlMapping.TryParseBool(cacheFlag, out var cacheOn))
            {
                features = features with { CacheExpirySeconds = cacheOn ? features.CacheExpirySeconds : 0 };
            }
            else if (cache is not null && YamlMapping.From(context, cache, source.PathOf("cache")) is { } c)
            {
                features = features with
                {
                    CacheExpirySeconds = c.Int("expirySeconds") ?? features.CacheExpirySeconds,
                    CacheErrors = c.Bool("cacheErrors") ?? features.CacheErrors,
                };
                c.RejectUnknown();
            }

            source.RejectUnknown();
        }

        return features;
    }

    private static bool? Toggle(YamlMapping source, string key)
    {
        var node = source.Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode)
        {
            return source.Bool(key);
        }

        // v2: automaticChildApproval: { enabled: true }; v3 convention: a feature with sub-keys is on.
        var mapping = YamlMapping.From(source.Context, node, source.PathOf(key));
        if (mapping is null)
        {
            return null;
        }

        var enabled = mapping.Bool("enabled") ?? true;
        mapping.RejectUnknown();
        return enabled;
    }

    private static LoggingSettings ReadLogging(YamlMapping root, YamlMapping body, ConfigLayout layout)
    {
        var logging = LoggingSettings.Default;
        var level = body.String("logLevel");
        if (level is not null)
        {
            var normalized = level.ToLowerInvariant() switch
            {
                "warning" => "warn",
                "critical" or "fatal" => "error",
                var other => other,
            };
            if (normalized is not ("debug" or "info" or "warn" or "error"))
            {
                body.Context.Error(body.PathOf("logLevel"), body.Get("logLevel"), $"logLevel \"{level}\" is not one of debug, info, warn, error");
            }
            else
            {
                logging = logging with { Level = normalized };
            }
        }

        var format = body.String("logFormat");
        if (format is not null)
        {
            if (format is not ("json" or "json-pretty"))
            {
                body.Context.Error(body.PathOf("logFormat"), body.Get("logFormat"), $"logFormat \"{format}\" is not one of json, json-pretty");
            }
            else
            {
                logging = logging with { Format = format };
            }
        }

        if (layout == ConfigLayout.HelmValuesV2 && root.Bool("debug") == true)
        {
            logging = logging with { Level = "debug" };
        }

        return logging;
    }

    private static AlertingSettings ReadAlerting(YamlMapping? alerting)
    {
        if (alerting is null)
        {
            return AlertingSettings.None;
        }

        var settings = new AlertingSettings
        {
            ClusterIdentifier = alerting.String("clusterIdentifier") ?? AlertingSettings.None.ClusterIdentifier,
            AdmitRequest = ReadReceivers(alerting, "admitRequest"),
            RejectRequest = ReadReceivers(alerting, "rejectRequest"),
        };
        alerting.RejectUnknown();
        return settings;
    }

    private static ImmutableArray<AlertReceiver> ReadReceivers(YamlMapping alerting, string key)
    {
        var section = alerting.Mapping(key);
        if (section is null)
        {
            return [];
        }

        var context = section.Context;

        // v3 calls the list "receivers", v2 called it "templates".
        var listKey = section.Has("templates") && !section.Has("receivers") ? "templates" : "receivers";
        var list = section.Sequence(listKey);
        section.Ignore("receivers", "templates");
        section.RejectUnknown();
        if (list is null)
        {
            return [];
        }

        var receivers = ImmutableArray.CreateBuilder<AlertReceiver>();
        int i = 0;
        foreach (var item in list)
        {
            var receiver = YamlMapping.From(context, item, $"{section.PathOf(listKey)}[{i++}]");
            if (receiver is null)
            {
                continue;
            }

            var template = receiver.String("template", required: true);
            var url = receiver.String("receiverUrl", required: true);
            Uri? uri = null;
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https")))
            {
                context.Error(receiver.PathOf("receiverUrl"), receiver.Get("receiverUrl"), $"receiverUrl \"{url}\" is not an http(s) URL");
                uri = null;
            }

            var headers = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
            int h = 0;
            foreach (var header in receiver.StringList("customHeaders") ?? [])
            {
                int colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    context.Error($"{receiver.PathOf("customHeaders")}[{h}]", receiver.Get("customHeaders"), "a custom header must look like \"Name: value\"");
                }
                else
                {
                    headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                }

                h++;
            }

            JsonObject? payloadFields = null;
            var fields = receiver.Get("payloadFields");
            if (fields is YamlMappingNode mapping)
            {
                payloadFields = (JsonObject)YamlJson.ToJson(mapping)!;
            }
            else if (fields is not null)
            {
                context.Error(receiver.PathOf("payloadFields"), fields, $"expected a mapping, found {ConfigContext.Describe(fields)}");
            }

            var priority = receiver.Int("priority", min: 0);
            var fail = receiver.Bool("failIfAlertSendingFails");
            receiver.RejectUnknown();
            if (template is not null && uri is not null)
            {
                receivers.Add(new AlertReceiver
                {
                    Template = template,
                    ReceiverUrl = uri,
                    Priority = priority ?? 3,
                    CustomHeaders = headers.ToImmutable(),
                    PayloadFields = payloadFields,
                    FailIfAlertSendingFails = fail ?? false,
                });
            }
        }

        return receivers.ToImmutable();
    }
}
