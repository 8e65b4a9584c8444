using System.Collections.Immutable;

namespace Verity.Validators.Cosign.Verification;

/// <summary>The per-rule switches of a cosign verification (Connaisseur's <c>with:</c> options).</summary>
internal sealed record CosignVerificationOptions
{
    /// <summary>The in-toto predicate type of <c>cosign sign</c> with the bundle format (cosign 3, <c>pkg/types</c>): a
    /// statement that says "this subject is signed", nothing more. Always accepted for an image.</summary>
    public const string CosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

    /// <summary>Cosign's defaults: transparency log and SCT required.</summary>
    public static CosignVerificationOptions Default { get; } = new();

    /// <summary>
    /// <c>verifyInTransparencyLog</c>: a signature counts only with a verified Rekor entry. When false, entries
    /// are still checked and a verified one still supplies a signing time, but none is needed.
    /// </summary>
    public bool RequireTransparencyLog { get; init; } = true;

    /// <summary><c>verifySCT</c>: a keyless certificate counts only with a verified embedded SCT.</summary>
    public bool VerifySct { get; init; } = true;

    /// <summary>
    /// <c>predicateTypes</c>: in-toto predicate types that count as a signature of an image besides
    /// <see cref="CosignSignPredicateType"/>, e.g. <c>https://slsa.dev/provenance/v1</c>. Empty by default: an SBOM or a
    /// vulnerability scan by a trusted identity says something about the image, it does not sign it.
    /// </summary>
    public ImmutableArray<string> PredicateTypes { get; init; } = [];

    /// <summary>What the digest a signature must be bound to names: an image (the validator) or any artifact (the
    /// <c>verity sigstore verify-bundle</c> command).</summary>
    public SignedArtifact Artifact { get; init; } = SignedArtifact.Image;

    /// <summary>Whether an in-toto statement with <paramref name="predicateType"/> counts.</summary>
    public bool Accepts(string predicateType) =>
        Artifact == SignedArtifact.Blob || predicateType == CosignSignPredicateType || PredicateTypes.Contains(predicateType, StringComparer.Ordinal);
}
