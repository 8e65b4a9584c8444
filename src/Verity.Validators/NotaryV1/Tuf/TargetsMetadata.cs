using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// <c>targets.json</c> or a delegated role's metadata, e.g. <c>targets/releases.json</c> (TUF §4.5; Notary's
/// <c>data.Targets</c>). In Docker Content Trust each target is a tag and its file the image manifest.
/// </summary>
internal sealed record TargetsMetadata : TufMetadata
{
    /// <summary>The <c>_type</c> Notary writes, for top-level and delegated targets alike.</summary>
    public const string TypeName = "Targets";

    /// <summary>The targets by name (tag).</summary>
    public required ImmutableDictionary<string, FileMeta> Targets { get; init; }

    /// <summary>The delegations, <see cref="Delegations.None"/> when absent.</summary>
    public required Delegations Delegations { get; init; }
}
