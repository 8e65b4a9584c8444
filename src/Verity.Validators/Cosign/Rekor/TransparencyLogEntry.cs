namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// A Rekor entry as a signature carries it: in a Sigstore bundle (<c>dev.sigstore.rekor.v1.TransparencyLogEntry</c>)
/// or, for a cosign <c>.sig</c> layer, in the <c>dev.sigstore.cosign/bundle</c> annotation (which has only the
/// inclusion promise).
/// </summary>
internal sealed record TransparencyLogEntry
{
    /// <summary>The ID of the log that holds the entry (SHA-256 of its key's SubjectPublicKeyInfo).</summary>
    public required ReadOnlyMemory<byte> LogId { get; init; }

    /// <summary>The entry's global index.</summary>
    public required long LogIndex { get; init; }

    /// <summary>When the log says it integrated the entry, in seconds since the epoch; trusted only with a verified promise.</summary>
    public required long IntegratedTime { get; init; }

    /// <summary>The entry kind and version the bundle declares, e.g. <c>hashedrekord</c> and <c>0.0.1</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The version of <see cref="Kind"/>.</summary>
    public required string Version { get; init; }

    /// <summary>The canonicalized entry body exactly as the log hashed it (the Merkle leaf).</summary>
    public required ReadOnlyMemory<byte> CanonicalizedBody { get; init; }

    /// <summary>The signed entry timestamp (inclusion promise), or empty.</summary>
    public ReadOnlyMemory<byte> SignedEntryTimestamp { get; init; }

    /// <summary>The inclusion proof, or null.</summary>
    public InclusionProof? InclusionProof { get; init; }

    /// <summary>Whether the entry has an inclusion promise.</summary>
    public bool HasPromise => !SignedEntryTimestamp.IsEmpty;

    /// <summary>A short name for messages.</summary>
    public override string ToString() => $"Rekor entry {LogIndex}";
}
