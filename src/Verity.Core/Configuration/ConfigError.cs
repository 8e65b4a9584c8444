namespace Verity.Core.Configuration;

/// <summary>One problem found in a configuration file.</summary>
/// <param name="File">The file, as given.</param>
/// <param name="Path">The path of the offending key, e.g. <c>application.policy[3].validator</c>.</param>
/// <param name="Line">The 1-based line, or 0 if unknown.</param>
/// <param name="Message">What is wrong and, where it helps, how to fix it.</param>
public sealed record ConfigError(string File, string Path, int Line, string Message)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        return string.IsNullOrEmpty(Path) ? $"{where}: {Message}" : $"{where}: {Path}: {Message}";
    }
}
