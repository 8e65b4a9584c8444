using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>
/// One mapping of a configuration file, as a validator type reads it: typed values by key (camelCase, or the
/// snake_case spelling of Connaisseur v2), errors and warnings recorded with the key's path and line.
/// </summary>
/// <remarks>
/// A reader never throws for bad input: it records an error and returns null, so that one load reports every
/// problem. Keys nobody reads are reported as unknown by the loader once the type is done
/// (<see cref="RejectUnknown"/>), with a suggestion when a read key is spelled alike.
/// </remarks>
public sealed class ConfigSection
{
    private readonly YamlMapping _mapping;

    internal ConfigSection(YamlMapping mapping, ConfigLayout layout)
    {
        _mapping = mapping;
        Layout = layout;
    }

    /// <summary>The shape of the file the section comes from (some types are lenient with Connaisseur v2 files).</summary>
    public ConfigLayout Layout { get; }

    /// <summary>The section's path, e.g. <c>application.validators[2]</c>.</summary>
    public string Path => _mapping.Path;

    /// <summary>The keys present, as spelled in the file.</summary>
    public IEnumerable<string> Keys => _mapping.Keys;

    internal YamlMapping Mapping => _mapping;

    /// <summary>The path of <paramref name="key"/> as it is spelled in the file.</summary>
    public string PathOf(string key) => _mapping.PathOf(key);

    /// <summary>Whether <paramref name="key"/> is present with a non-null value.</summary>
    public bool Has(string key) => _mapping.Has(key);

    /// <summary>Whether <paramref name="key"/> holds a single value (not a mapping or list).</summary>
    public bool IsScalar(string key) => _mapping.Get(key) is YamlScalarNode;

    /// <summary>A string value, or null (with an error when <paramref name="required"/> or not a string).</summary>
    public string? GetString(string key, bool required = false) => _mapping.String(key, required);

    /// <summary>A boolean value, or null.</summary>
    public bool? GetBool(string key) => _mapping.Bool(key);

    /// <summary>A whole number of at least <paramref name="min"/>, or null.</summary>
    public int? GetInt(string key, int min = int.MinValue) => _mapping.Int(key, min);

    /// <summary>A list of strings, or null.</summary>
    public IReadOnlyList<string>? GetStringList(string key) => _mapping.StringList(key);

    /// <summary>A nested mapping, or null (with an error when the value is not a mapping).</summary>
    public ConfigSection? GetSection(string key) => _mapping.Mapping(key) is { } m ? new ConfigSection(m, Layout) : null;

    /// <summary>A list of mappings, or null when absent; items that are not mappings are reported and left out.</summary>
    public IReadOnlyList<ConfigSection>? GetSections(string key)
    {
        var sequence = _mapping.Sequence(key);
        if (sequence is null)
        {
            return null;
        }

        var result = new List<ConfigSection>(sequence.Children.Count);
        int i = 0;
        foreach (var item in sequence)
        {
            if (YamlMapping.From(_mapping.Context, item, $"{PathOf(key)}[{i++}]") is { } m)
            {
                result.Add(new ConfigSection(m, Layout));
            }
        }

        return result;
    }

    /// <summary>Records an error about the section as a whole.</summary>
    public void Error(string message) => _mapping.Context.Error(Path, _mapping.Node, message);

    /// <summary>Records an error about <paramref name="key"/>.</summary>
    public void Error(string key, string message) => _mapping.Context.Error(PathOf(key), _mapping.Get(key) ?? (YamlNode)_mapping.Node, message);

    /// <summary>Records an error about item <paramref name="index"/> of the list under <paramref name="key"/>.</summary>
    public void Error(string key, int index, string message) => _mapping.Context.Error($"{PathOf(key)}[{index}]", _mapping.Get(key) ?? (YamlNode)_mapping.Node, message);

    /// <summary>Records a warning about <paramref name="key"/>.</summary>
    public void Warning(string key, string message) => _mapping.Context.Warning(PathOf(key), _mapping.Get(key) ?? (YamlNode)_mapping.Node, message);

    /// <summary>Records a warning about the section as a whole.</summary>
    public void Warning(string message) => _mapping.Context.Warning(Path, _mapping.Node, message);

    /// <summary>Marks keys as accepted without reading them.</summary>
    public void Ignore(params string[] keys) => _mapping.Ignore(keys);

    /// <summary>Reports every key that was not read as unknown.</summary>
    public void RejectUnknown() => _mapping.RejectUnknown();

    /// <summary>A section with no keys at <paramref name="path"/>: what a rule without <c>with:</c> offers.</summary>
    internal static ConfigSection Empty(ConfigContext context, string path, ConfigLayout layout) =>
        new(YamlMapping.From(context, new YamlMappingNode(), path)!, layout);
}
