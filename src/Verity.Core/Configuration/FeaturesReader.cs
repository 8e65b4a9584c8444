using System.Collections.Immutable;
using Verity.Core.Policy;
using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>Reads <c>features</c> (v3, bare) or the top-level feature keys (Connaisseur v2).</summary>
internal static class FeaturesReader
{
    public static FeatureSettings Read(YamlMapping root, YamlMapping body, ConfigLayout layout)
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
                // "features:" with nothing under it means the defaults.
                body.Ignore("features");
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

            features = features with
            {
                DetectionModeOverrides = ReadOverrides(source),
                PolicyReports = ReadPolicyReports(source),
            };
            source.RejectUnknown();
        }

        if (features.ResourceValidationMode == ResourceValidationMode.PodsOnly && features.AutomaticChildApproval)
        {
            // Connaisseur does the same: with only Pods validated, a child would inherit from an unvalidated parent.
            context.Warning(source.PathOf("automaticChildApproval"), source.Get("automaticChildApproval") ?? (YamlNode)source.Node,
                "insecure configuration detected: resourceValidationMode podsOnly leaves owners unvalidated, so automatic child approval is turned off");
            features = features with { AutomaticChildApproval = false };
        }

        return features;
    }

    private static ImmutableArray<DetectionModeOverride> ReadOverrides(YamlMapping source)
    {
        var list = source.Sequence("detectionModeOverrides");
        if (list is null)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<DetectionModeOverride>();
        int i = 0;
        foreach (var item in list)
        {
            var path = $"{source.PathOf("detectionModeOverrides")}[{i++}]";
            var entry = YamlMapping.From(source.Context, item, path);
            if (entry is null)
            {
                continue;
            }

            var mode = entry.Bool("detectionMode");
            if (mode is null && !entry.Has("detectionMode"))
            {
                entry.Context.Error(entry.PathOf("detectionMode"), entry.Node, "an override needs detectionMode: true (audit) or false (enforce)");
            }

            var globs = ImmutableArray.CreateBuilder<Glob>();
            int n = 0;
            foreach (var name in entry.StringList("namespaces") ?? [])
            {
                if (Glob.TryCreate(name, out var glob, out var error))
                {
                    globs.Add(glob);
                }
                else
                {
                    entry.Context.Error($"{entry.PathOf("namespaces")}[{n}]", entry.Get("namespaces"), error);
                }

                n++;
            }

            var labels = ImmutableDictionary<string, string>.Empty;
            if (entry.Mapping("namespaceSelector") is { } selector)
            {
                if (selector.Get("matchLabels") is YamlMappingNode matchLabels)
                {
                    labels = matchLabels.Children.ToImmutableDictionary(
                        c => ((YamlScalarNode)c.Key).Value ?? string.Empty, c => (c.Value as YamlScalarNode)?.Value ?? string.Empty, StringComparer.Ordinal);
                }
                else if (selector.Has("matchLabels"))
                {
                    selector.Context.Error(selector.PathOf("matchLabels"), selector.Get("matchLabels"), "matchLabels must be a mapping of label: value");
                }

                selector.RejectUnknown();
            }

            if (globs.Count == 0 && labels.IsEmpty)
            {
                entry.Context.Error(entry.Path, entry.Node, "an override needs namespaces, namespaceSelector.matchLabels or both");
            }

            entry.RejectUnknown();
            if (mode is not null && (globs.Count > 0 || !labels.IsEmpty))
            {
                result.Add(new DetectionModeOverride { DetectionMode = mode.Value, Namespaces = globs.ToImmutable(), MatchLabels = labels, Path = path });
            }
        }

        return result.ToImmutable();
    }

    private static PolicyReportSettings ReadPolicyReports(YamlMapping source)
    {
        var node = source.Get("policyReports");
        if (node is null)
        {
            return PolicyReportSettings.Off;
        }

        if (node is YamlScalarNode)
        {
            return source.Bool("policyReports") is true ? new PolicyReportSettings { Enabled = true } : PolicyReportSettings.Off;
        }

        var mapping = YamlMapping.From(source.Context, node, source.PathOf("policyReports"));
        if (mapping is null)
        {
            return PolicyReportSettings.Off;
        }

        var settings = new PolicyReportSettings
        {
            Enabled = mapping.Bool("enabled") ?? true,
            IncludeEnforced = mapping.Bool("includeEnforced") ?? false,
            MaxResultsPerNamespace = mapping.Int("maxResultsPerNamespace", min: 1) ?? PolicyReportSettings.Off.MaxResultsPerNamespace,
        };
        mapping.RejectUnknown();
        return settings;
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
}
