namespace Verity.Core.Configuration;

/// <summary><c>logLevel</c> and <c>logFormat</c>.</summary>
public sealed record LoggingSettings
{
    /// <summary>Every default.</summary>
    public static LoggingSettings Default { get; } = new();

    /// <summary><c>debug</c>, <c>info</c>, <c>warn</c>, <c>error</c> (Connaisseur's names; case-insensitive).</summary>
    public string Level { get; init; } = "info";

    /// <summary><c>json</c> (one line per entry) or <c>json-pretty</c>.</summary>
    public string Format { get; init; } = "json";
}
