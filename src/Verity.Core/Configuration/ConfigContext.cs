using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>Collects the errors and warnings of one configuration load.</summary>
internal sealed class ConfigContext
{
    public ConfigContext(string file)
    {
        File = file;
    }

    public string File { get; }

    public List<ConfigError> Errors { get; } = [];

    public List<ConfigError> Warnings { get; } = [];

    public void Error(string path, YamlNode? node, string message)
    {
        Errors.Add(new ConfigError(File, path, LineOf(node), message));
    }

    public void Warning(string path, YamlNode? node, string message)
    {
        Warnings.Add(new ConfigError(File, path, LineOf(node), message));
    }

    public static int LineOf(YamlNode? node) => node is null ? 0 : (int)node.Start.Line;

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null or "" or "~" or "null" } => "nothing (null)",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "an unexpected node",
    };

    public static bool IsNull(YamlNode? node) =>
        node is null || (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && s.Value is null or "" or "~" or "null" or "Null" or "NULL");
}
