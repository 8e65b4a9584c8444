using System.Collections.Immutable;

namespace Verity.Core.Configuration;

/// <summary>The configuration cannot be used; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public ConfigurationException(ImmutableArray<ConfigError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates an exception with a single message.</summary>
    public ConfigurationException(string message)
        : base(message)
    {
        Errors = [new ConfigError(string.Empty, string.Empty, 0, message)];
    }

    /// <summary>Creates an exception with a single message and cause.</summary>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new ConfigError(string.Empty, string.Empty, 0, message)];
    }

    /// <summary>Creates an empty exception.</summary>
    public ConfigurationException()
        : this("invalid configuration")
    {
    }

    /// <summary>Every problem, in file order.</summary>
    public ImmutableArray<ConfigError> Errors { get; }

    private static string Describe(ImmutableArray<ConfigError> errors)
    {
        return errors.Length == 1
            ? errors[0].ToString()
            : $"{errors.Length} configuration errors:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
