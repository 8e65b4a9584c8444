using System.Collections.Immutable;
using Verity.Core.Policy;

namespace Verity.Core.Configuration;

/// <summary>A loaded, validated configuration.</summary>
public sealed record VerityConfiguration
{
    /// <summary>The file it was read from.</summary>
    public required string Source { get; init; }

    /// <summary>
    /// The SHA-256 (lower-case hex) of the configuration text as read: replicas that load the same text share
    /// verdicts in a shared cache, and a changed text never reads the verdicts of the old one.
    /// </summary>
    public string ContentHash { get; init; } = string.Empty;

    /// <summary>The shape the file had.</summary>
    public required ConfigLayout Layout { get; init; }

    /// <summary>The validators in configuration order; names are unique.</summary>
    public required ImmutableArray<ValidatorDefinition> Validators { get; init; }

    /// <summary>The image policy.</summary>
    public required ImagePolicy Policy { get; init; }

    /// <summary>The features.</summary>
    public FeatureSettings Features { get; init; } = FeatureSettings.Default;

    /// <summary>The alert receivers.</summary>
    public AlertingSettings Alerting { get; init; } = AlertingSettings.None;

    /// <summary>Log settings.</summary>
    public LoggingSettings Logging { get; init; } = LoggingSettings.Default;

    /// <summary>Things that load but deserve a look, e.g. two rules with the same pattern.</summary>
    public ImmutableArray<ConfigError> Warnings { get; init; } = [];

    /// <summary>The validator with this name, or null.</summary>
    public ValidatorDefinition? FindValidator(string name)
    {
        foreach (var validator in Validators)
        {
            if (validator.Name == name)
            {
                return validator;
            }
        }

        return null;
    }
}
