using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary><c>snapshot.json</c> (TUF §4.4; Notary's <c>data.Snapshot</c>).</summary>
/// <remarks>
/// Notary lists <c>root</c>, <c>targets</c> and every published delegation under their role names (no
/// <c>.json</c> suffix), with hashes and length but no version. As Notary's <c>IsValidSnapshotStructure</c>
/// requires, <c>root</c> and <c>targets</c> are present with a sha256 hash.
/// </remarks>
internal sealed record SnapshotMetadata : TufMetadata
{
    /// <summary>The <c>_type</c> Notary writes.</summary>
    public const string TypeName = "Snapshot";

    /// <summary>File metadata by role name.</summary>
    public required ImmutableDictionary<string, FileMeta> Meta { get; init; }
}
