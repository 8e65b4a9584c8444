using System.CommandLine;

namespace Verity.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Config() => new("--config", "-c")
    {
        Description = "The configuration: Connaisseur v3 or v2 Helm values, or a bare file with validators/policy",
        Required = true,
    };

    public static Option<string?> LogLevel() => new("--log-level")
    {
        Description = "debug, info, warn, error or none (overrides the configuration's logLevel; one-shot commands log nothing unless given or --verbose)",
    };

    /// <summary><c>--verbose</c>, on every command: logs at debug level and errors with their stack traces.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log at debug level and print errors with their causes and stack traces",
        Recursive = true,
    };

    /// <summary>Prints a configuration error in one line per problem and returns the usage/config exit code.</summary>
    public static int ConfigError(TextWriter errors, Core.Configuration.ConfigurationException e)
    {
        foreach (var error in e.Errors)
        {
            errors.WriteLine($"verity: configuration error: {error}");
        }

        return VerityCli.UsageError;
    }
}
