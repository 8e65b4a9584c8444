using System.Collections.Frozen;
using Verity.Core.Configuration;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Hosting;

/// <summary>
/// An immutable, validated configuration with its validators built: what one admission request reads.
/// </summary>
/// <remarks>
/// A reload builds and validates a whole new snapshot and swaps it atomically
/// (<see cref="PolicySnapshotProvider"/>); a request reads <c>Current</c> once and uses that snapshot
/// throughout, so it never sees half of an old and half of a new configuration.
/// </remarks>
internal sealed class PolicySnapshot
{
    private readonly FrozenDictionary<string, IValidator> _validators;

    private static long _generations;

    public PolicySnapshot(VerityConfiguration configuration, FrozenDictionary<string, IValidator> validators, DateTimeOffset loadedAt)
    {
        Configuration = configuration;
        _validators = validators;
        LoadedAt = loadedAt;
        Generation = Interlocked.Increment(ref _generations);
    }

    /// <summary>A number no other snapshot of this process has; cached verdicts are tied to it.</summary>
    public long Generation { get; }

    public VerityConfiguration Configuration { get; }

    public ImagePolicy Policy => Configuration.Policy;

    public FeatureSettings Features => Configuration.Features;

    public DateTimeOffset LoadedAt { get; }

    public IValidator? FindValidator(string name) => _validators.GetValueOrDefault(name);
}
