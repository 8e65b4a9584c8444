using System.Collections.Immutable;
using Verity.Core.Policy;

namespace Verity.Validators.Cosign;

/// <summary>
/// A rule's options for a cosign validator: the trust-root selection (<c>trustRoot</c>, <c>threshold</c>,
/// <c>required</c>) and cosign's switches.
/// </summary>
public sealed record CosignRuleOptions : TrustRootRuleOptions
{
    /// <summary>Options with every default.</summary>
    public static new CosignRuleOptions Default { get; } = new();

    /// <summary>Whether a transparency-log entry is required.</summary>
    public bool VerifyInTransparencyLog { get; init; } = true;

    /// <summary>Keyless: whether the certificate's embedded SCT is verified.</summary>
    public bool VerifySct { get; init; } = true;

    /// <summary>
    /// When the image resolves to an image index without a valid signature of its own, trust it if every
    /// platform manifest it lists is signed (each under this rule's trust roots and threshold). The workload is
    /// still pinned to the index digest. Default false: the signed digest must be the digest the reference
    /// resolves to, as cosign checks it.
    /// </summary>
    public bool AcceptSignedPlatforms { get; init; }

    /// <summary>
    /// In-toto predicate types whose attestations (by a trusted identity, naming the image as a subject) count as a
    /// signature of the image, besides <c>https://sigstore.dev/cosign/sign/v1</c> (<c>cosign sign</c>'s own), which always
    /// counts. Default empty: a vulnerability scan or an SBOM by a trusted identity does not sign the image.
    /// </summary>
    public ImmutableArray<string> PredicateTypes { get; init; } = [];
}
