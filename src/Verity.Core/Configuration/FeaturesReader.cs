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
}
