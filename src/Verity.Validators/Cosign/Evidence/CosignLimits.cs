namespace Verity.Validators.Cosign.Evidence;

/// <summary>
/// Bounds on the work one image may cause, so that whoever can push to a repository cannot make admission slow.
/// </summary>
/// <remarks>
/// The registry side uses the byte limits when it fetches (a layer or blob over the limit is not downloaded);
/// the verifier checks them again and refuses an image with more than <see cref="MaxSignatures"/> signatures
/// outright rather than picking some of them.
/// </remarks>
internal sealed record CosignLimits
{
    /// <summary>The defaults.</summary>
    public static CosignLimits Default { get; } = new();

    /// <summary>Signatures examined per image: <c>.sig</c> layers plus bundles.</summary>
    public int MaxSignatures { get; init; } = 32;

    /// <summary>Bytes of one simple-signing payload blob (they are about 250 bytes).</summary>
    public int MaxPayloadBytes { get; init; } = 64 * 1024;

    /// <summary>Bytes of one Sigstore bundle (an attestation bundle carries its whole statement).</summary>
    public int MaxBundleBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes of all payloads and bundles of one image together, so that <see cref="MaxSignatures"/> bundles of
    /// <see cref="MaxBundleBytes"/> each cannot make one image cost 128 MiB.
    /// </summary>
    public int MaxEvidenceBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Platform manifests of an image index checked when a rule accepts signed platforms instead of a signed index.</summary>
    public int MaxPlatforms { get; init; } = 16;

    /// <summary>Characters of one layer annotation value (certificate, chain, Rekor bundle, timestamp).</summary>
    public int MaxAnnotationLength { get; init; } = 64 * 1024;

    /// <summary>Transparency log entries per signature (sigstore-go allows 32; one is usual).</summary>
    public int MaxTlogEntries { get; init; } = 8;

    /// <summary>RFC 3161 timestamps per signature.</summary>
    public int MaxTimestamps { get; init; } = 8;

    /// <summary>Certificates a signature may carry besides its leaf.</summary>
    public int MaxChainCertificates { get; init; } = 8;

    /// <summary>Hashes in one inclusion proof (a tree of 2^64 leaves needs 64).</summary>
    public int MaxProofHashes { get; init; } = 64;
}
