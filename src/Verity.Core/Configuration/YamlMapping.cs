// Over 300 lines on purpose. The strict YAML reader under ConfigSection: typed values, v2 snake_case spellings, duplicate and unknown keys
// with suggestions; one file because each reader method shares the same lookup and error bookkeeping.
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>
/// Reads one YAML mapping strictly: typed values, keys in camelCase or their snake_case spelling
/// (Connaisseur v2), and an error for every key nobody asked for.
/// </summary>
internal sealed class YamlMapping
{
    private readonly Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<string> _known = [];

    private YamlMapping(ConfigContext context, YamlMappingNode node, string path)
    {
        Context = context;
        Node = node;
        Path = path;
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalar)
            {
                context.Error(path, key, "a key must be a plain string");
                continue;
            }

            if (!_entries.TryAdd(name, new(scalar, value)))
            {
                context.Error(Child(name), key, $"the key \"{name}\" appears twice");
            }
        }
    }

    public ConfigContext Context { get; }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>A reader for <paramref name="node"/>, or null (with an error) when it is not a mapping.</summary>
    public static YamlMapping? From(ConfigContext context, YamlNode? node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlMapping(context, mapping, path);
        }

        context.Error(path, node, $"expected a mapping of keys, found {(node is null ? "nothing" : ConfigContext.Describe(node))}");
        return null;
    }

    public string Child(string key) => Path.Length == 0 ? key : Path + "." + key;

    public bool Has(string key) => Lookup(key, markUsed: false).Value is { } value && !ConfigContext.IsNull(value);

    /// <summary>The value of <paramref name="key"/> (or its snake_case spelling); null when absent or null.</summary>
    public YamlNode? Get(string key)
    {
        var (_, value) = Lookup(key, markUsed: true);
        return ConfigContext.IsNull(value) ? null : value;
    }

    /// <summary>The path of the key as it is spelled in the file.</summary>
    public string PathOf(string key)
    {
        var (name, _) = Lookup(key, markUsed: false);
        return Child(name ?? key);
    }

    public string? String(string key, bool required = false)
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Context.Error(PathOf(key), Node, $"\"{key}\" is required");
            }

            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? string.Empty;
        }

        Context.Error(PathOf(key), node, $"expected a string, found {ConfigContext.Describe(node)}");
        return null;
    }

    public bool? Bool(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && TryParseBool(text, out var value))
        {
            return value;
        }

        Context.Error(PathOf(key), node, $"expected true or false, found {ConfigContext.Describe(node)}");
        return null;
    }

    public int? Int(string key, int min = int.MinValue)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value < min)
            {
                Context.Error(PathOf(key), node, $"must be at least {min}, found {value}");
                return null;
            }

            return value;
        }

        Context.Error(PathOf(key), node, $"expected a whole number, found {ConfigContext.Describe(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(string key)
    {
        var node = Get(key);
        if (node is null or YamlSequenceNode)
        {
            return (YamlSequenceNode?)node;
        }

        Context.Error(PathOf(key), node, $"expected a list, found {ConfigContext.Describe(node)}");
        return null;
    }

    public YamlMapping? Mapping(string key)
    {
        var node = Get(key);
        return node is null ? null : From(Context, node, PathOf(key));
    }

    public List<string>? StringList(string key)
    {
        var sequence = Sequence(key);
        if (sequence is null)
        {
            return null;
        }

        var result = new List<string>();
        int i = 0;
        foreach (var item in sequence)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } text })
            {
                result.Add(text);
            }
            else
            {
                Context.Error($"{PathOf(key)}[{i}]", item, $"expected a string, found {ConfigContext.Describe(item)}");
            }

            i++;
        }

        return result;
    }

    /// <summary>Marks keys as accepted without reading them.</summary>
    public void Ignore(params string[] keys)
    {
        foreach (var key in keys)
        {
            Lookup(key, markUsed: true);
        }
    }

    /// <summary>Reports every key that was not read as unknown, suggesting the closest known key.</summary>
    public void RejectUnknown()
    {
        foreach (var (name, (keyNode, _)) in _entries)
        {
            if (_used.Contains(name))
            {
                continue;
            }

            var suggestion = Closest(name);
            var known = _known.Count == 0 ? string.Empty : $"; known keys here: {string.Join(", ", _known.Distinct())}";
            Context.Error(
                Child(name),
                keyNode,
                suggestion is null ? $"unknown key \"{name}\"{known}" : $"unknown key \"{name}\"; did you mean \"{suggestion}\"?");
        }
    }

    internal static bool TryParseBool(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                value = true;
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    internal static string SnakeCase(string camel)
    {
        var builder = new System.Text.StringBuilder(camel.Length + 4);
        for (int i = 0; i < camel.Length; i++)
        {
            char c = camel[i];
            if (char.IsAsciiLetterUpper(c))
            {
                // verifySCT -> verify_sct, not verify_s_c_t
                bool previousUpper = i > 0 && char.IsAsciiLetterUpper(camel[i - 1]);
                if (i > 0 && !previousUpper)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private (string? Name, YamlNode? Value) Lookup(string key, bool markUsed)
    {
        if (markUsed && !_known.Contains(key))
        {
            _known.Add(key);
        }

        var snake = SnakeCase(key);
        bool hasCamel = _entries.TryGetValue(key, out var camelEntry);
        bool hasSnake = snake != key && _entries.TryGetValue(snake, out _);
        if (markUsed)
        {
            _used.Add(key);
            _used.Add(snake);
        }

        if (hasCamel && hasSnake)
        {
            if (markUsed)
            {
                Context.Error(Child(key), camelEntry.Key, $"both \"{key}\" and \"{snake}\" are given; keep one");
            }

            return (key, camelEntry.Value);
        }

        if (hasCamel)
        {
            return (key, camelEntry.Value);
        }

        if (hasSnake)
        {
            return (snake, _entries[snake].Value);
        }

        return (null, null);
    }

    private string? Closest(string name)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var known in _known)
        {
            foreach (var candidate in new[] { known, SnakeCase(known) })
            {
                int distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = known;
                }
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
