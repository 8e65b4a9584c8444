using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary><c>timestamp.json</c> (TUF §4.6; Notary's <c>data.Timestamp</c>).</summary>
/// <remarks>As Notary's <c>IsValidTimestampStructure</c> requires, <c>meta.snapshot</c> has a sha256 hash.</remarks>
internal sealed record TimestampMetadata : TufMetadata
{
    /// <summary>The <c>_type</c> Notary writes.</summary>
    public const string TypeName = "Timestamp";

    /// <summary>File metadata by role name; holds at least <c>snapshot</c>.</summary>
    public required ImmutableDictionary<string, FileMeta> Meta { get; init; }

    /// <summary>The snapshot's file metadata.</summary>
    public FileMeta Snapshot => Meta[TufRoles.Snapshot];
}
