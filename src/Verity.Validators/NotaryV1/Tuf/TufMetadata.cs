using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// What every metadata file has (TUF §4.2, §4.3; Notary's <c>data.SignedCommon</c> and <c>data.Signed</c>):
/// the signed fields <c>_type</c>, <c>version</c> and <c>expires</c>, the signatures, and the canonical bytes
/// of <c>signed</c> that the signatures cover.
/// </summary>
internal abstract record TufMetadata
{
    /// <summary>The <c>_type</c>, e.g. <c>Targets</c> (Notary capitalises it).</summary>
    public required string Type { get; init; }

    /// <summary>The <c>version</c>, at least 1.</summary>
    public required long Version { get; init; }

    /// <summary>The <c>expires</c> time.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>The signatures, in file order.</summary>
    public required ImmutableArray<TufSignature> Signatures { get; init; }

    /// <summary>The canonical JSON of <c>signed</c> (<see cref="OlpcCanonicalJson"/>): the signed message.</summary>
    public required ReadOnlyMemory<byte> SignedBytes { get; init; }

    /// <summary>Whether the metadata has expired at <paramref name="now"/>: TUF requires <c>expires</c> to be
    /// later than the fixed update start time (TUF §5.3.10, §5.4.4, §5.5.6, §5.6.5).</summary>
    public bool IsExpired(DateTimeOffset now) => Expires <= now;
}
