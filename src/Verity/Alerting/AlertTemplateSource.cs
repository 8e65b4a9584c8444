using System.Collections.Frozen;
using System.Text;
using Verity.Core.Alerting;

namespace Verity.Alerting;

/// <summary>
/// The alert templates: the five shipped with Verity (resources of this assembly) and custom ones, read from
/// <c>&lt;directory&gt;/&lt;name&gt;.json</c>.
/// </summary>
/// <remarks>
/// A shipped name always means the shipped template, so <c>slack</c> renders the same everywhere. A custom name must
/// be a plain file name (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; no path, no leading dot), and the file,
/// after symlinks (a mounted ConfigMap's <c>..data</c> links), must lie inside the directory and be at most
/// <see cref="AlertTemplate.MaxLength"/> bytes. Read once per configuration load.
/// </remarks>
internal sealed class AlertTemplateSource : IAlertTemplateSource
{
    /// <summary>The templates shipped with Verity, as Connaisseur ships them.</summary>
    public static IReadOnlyList<string> ShippedNames { get; } = ["slack", "opsgenie", "keybase", "msteams", "ecs-1-12-0"];

    private static readonly FrozenDictionary<string, string> Shipped = ShippedNames.ToFrozenDictionary(n => n, ReadResource, StringComparer.Ordinal);

    private readonly string _directory;

    public AlertTemplateSource(AlertingOptions options)
    {
        _directory = options.TemplatesDirectory;
    }

    /// <summary>The text of a shipped template.</summary>
    public static string ShippedText(string name) => Shipped[name];

    public string? Find(string name, out string? problem)
    {
        problem = null;
        if (Shipped.TryGetValue(name, out var text))
        {
            return text;
        }

        if (name.Length == 0 || name[0] == '.' || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            problem = $"is neither a shipped template ({string.Join(", ", ShippedNames)}) nor a plain file name";
            return null;
        }

        var path = Path.Combine(_directory, name + ".json");
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                problem = $"is not a shipped template ({string.Join(", ", ShippedNames)}) and {path} does not exist (custom templates are read from --alert-templates-dir)";
                return null;
            }

            var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            var root = Path.GetFullPath(_directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            var realRoot = new DirectoryInfo(_directory).LinkTarget is null
                ? root
                : (new DirectoryInfo(_directory).ResolveLinkTarget(true)?.FullName ?? root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (target is null || !target.Exists
                || !(target.FullName.StartsWith(root, StringComparison.Ordinal) || target.FullName.StartsWith(realRoot, StringComparison.Ordinal)))
            {
                problem = $"{path} links outside {_directory}";
                return null;
            }

            if (target.Length > AlertTemplate.MaxLength)
            {
                problem = $"{path} is larger than {AlertTemplate.MaxLength} bytes";
                return null;
            }

            return File.ReadAllText(target.FullName, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{path} cannot be read: {e.Message}";
            return null;
        }
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(AlertTemplateSource).Assembly.GetManifestResourceStream($"Verity.Alerting.Templates.{name}.json")
            ?? throw new InvalidOperationException($"the shipped alert template {name} is missing from the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
