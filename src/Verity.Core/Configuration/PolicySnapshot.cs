using System.Collections.Frozen;
using Verity.Core.Alerting;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Core.Configuration;

/// <summary>
/// An immutable, validated configuration with its validators built: what one admission request reads.
/// </summary>
/// <remarks>
/// A reload builds and validates a whole new snapshot and swaps it atomically
/// (<see cref="PolicySnapshotProvider"/>); a request reads <c>Current</c> once and uses that snapshot
/// throughout, so it never sees half of an old and half of a new configuration.
/// </remarks>
public sealed class PolicySnapshot
{
    private readonly FrozenDictionary<string, IValidator> _validators;

    /// <summary>Creates a snapshot.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="validators">Its validators by name.</param>
    /// <param name="loadedAt">When it was built.</param>
    /// <param name="generation">A number no other snapshot of the same provider has.</param>
    /// <param name="alertTemplates">The alert templates its receivers name, checked, by name.</param>
    public PolicySnapshot(
        VerityConfiguration configuration,
        FrozenDictionary<string, IValidator> validators,
        DateTimeOffset loadedAt,
        long generation,
        FrozenDictionary<string, AlertTemplate>? alertTemplates = null)
    {
        AlertTemplates = alertTemplates ?? FrozenDictionary<string, AlertTemplate>.Empty;
        Configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        _validators = validators ?? throw new ArgumentNullException(nameof(validators));
        LoadedAt = loadedAt;
        Generation = generation;
    }

    /// <summary>A number no other snapshot of this provider has; cached verdicts are tied to it.</summary>
    public long Generation { get; }

    /// <summary>The configuration.</summary>
    public VerityConfiguration Configuration { get; }

    /// <summary>The image policy.</summary>
    public ImagePolicy Policy => Configuration.Policy;

    /// <summary>The features.</summary>
    public FeatureSettings Features => Configuration.Features;

    /// <summary>The alerting receivers and the cluster identifier.</summary>
    public AlertingSettings Alerting => Configuration.Alerting;

    /// <summary>The alert templates the receivers of <see cref="Alerting"/> name, parsed and checked when it was built.</summary>
    public FrozenDictionary<string, AlertTemplate> AlertTemplates { get; }

    /// <summary>When the snapshot was built.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The validator called <paramref name="name"/>, or null.</summary>
    public IValidator? FindValidator(string name) => _validators.GetValueOrDefault(name);
}
