using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Verity.Install;

/// <summary>
/// Helm values as the chart sees them: the chart's <c>values.yaml</c> with a user's file merged over it, read with
/// YAML's own scalar typing (plain <c>true</c>, <c>3</c>, <c>null</c>) as Helm reads them.
/// </summary>
/// <remarks>
/// Merging follows Helm: mappings merge key by key, anything else (lists included) replaces the default, and a
/// <c>null</c> in the user's file removes the default key. Only the chart-level keys are interpreted here; whether
/// <c>application</c> is a valid Verity configuration is <see cref="ConfigurationCheck"/>'s question.
/// </remarks>
internal sealed partial class HelmValues
{
    private HelmValues(YamlMappingNode root)
    {
        Root = root;
    }

    /// <summary>The merged values.</summary>
    public YamlMappingNode Root { get; }

    /// <summary>The chart's defaults merged with <paramref name="userValues"/> (null: the defaults alone).</summary>
    /// <exception cref="InstallException">A file is not a YAML mapping.</exception>
    public static HelmValues Merge(string chartValues, string? userValues, string userSource)
    {
        var defaults = ParseMapping(chartValues, "charts/verity/values.yaml");
        var merged = userValues is null ? defaults : MergeInto(defaults, ParseMapping(userValues, userSource));
        return new HelmValues(merged);
    }

    /// <summary>The node at a dotted path (<c>kubernetes.deployment.tls</c>), or null when a step is missing or not a mapping.</summary>
    public YamlNode? Get(string path) => Get(Root, path);

    /// <summary>The mapping at a path, or an empty mapping.</summary>
    public YamlMappingNode Mapping(string path) => Get(path) as YamlMappingNode ?? [];

    /// <summary>The node at a dotted path below <paramref name="node"/>.</summary>
    public static YamlNode? Get(YamlNode? node, string path)
    {
        foreach (var step in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(step), out node))
            {
                return null;
            }
        }

        return node is null || IsNull(node) ? null : node;
    }

    /// <summary>Helm's truthiness: false, 0, "", null, and empty mappings or lists are false.</summary>
    public static bool Truthy(YamlNode? node) => node switch
    {
        null => false,
        YamlMappingNode m => m.Children.Count > 0,
        YamlSequenceNode s => s.Children.Count > 0,
        YamlScalarNode s when IsNull(s) => false,
        YamlScalarNode s => Json(s) switch
        {
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            JsonValue v when v.TryGetValue<long>(out var l) => l != 0,
            JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
            _ => s.Value is { Length: > 0 },
        },
        _ => false,
    };

    /// <summary>What Go's <c>toString</c> prints for a value: <c>true</c>, <c>3</c>, text, or <c>&lt;nil&gt;</c>.</summary>
    public static string GoString(YamlNode? node) => node switch
    {
        null => "<nil>",
        YamlScalarNode s when IsNull(s) => "<nil>",
        YamlScalarNode s => Json(s) switch
        {
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
            JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
            _ => s.Value ?? string.Empty,
        },
        _ => "map",
    };

    /// <summary>A YAML node as JSON, scalars typed as YAML 1.2 core (as Helm reads values).</summary>
    public static JsonNode? Json(YamlNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? string.Empty] = Json(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(Json)]);
            case YamlScalarNode scalar:
                if (IsNull(scalar))
                {
                    return null;
                }

                var text = scalar.Value ?? string.Empty;
                if (scalar.Style is ScalarStyle.Plain)
                {
                    if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
                    {
                        return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
                    }

                    if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    {
                        return JsonValue.Create(l);
                    }

                    if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    {
                        return JsonValue.Create(d);
                    }
                }

                return JsonValue.Create(text);
            default:
                throw new InstallException("YAML aliases are not supported in values files");
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static YamlMappingNode ParseMapping(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InstallException($"{source}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        return stream.Documents.Count switch
        {
            0 => [],
            1 when stream.Documents[0].RootNode is YamlMappingNode mapping => mapping,
            1 when IsNull(stream.Documents[0].RootNode) => [],
            1 => throw new InstallException($"{source}: a values file must be a YAML mapping (kubernetes:, application:, alerting:)"),
            _ => throw new InstallException($"{source}: a values file must be one YAML document"),
        };
    }

    private static YamlMappingNode MergeInto(YamlMappingNode defaults, YamlMappingNode user)
    {
        var result = new YamlMappingNode();
        foreach (var (key, value) in defaults.Children)
        {
            result.Children[key] = value;
        }

        foreach (var (key, value) in user.Children)
        {
            if (IsNull(value))
            {
                result.Children.Remove(key);
            }
            else if (value is YamlMappingNode userMap && result.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode defaultMap)
            {
                result.Children[key] = MergeInto(defaultMap, userMap);
            }
            else
            {
                result.Children[key] = value;
            }
        }

        return result;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Float();
}
