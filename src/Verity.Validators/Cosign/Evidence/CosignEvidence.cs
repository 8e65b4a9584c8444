using System.Collections.Immutable;

namespace Verity.Validators.Cosign.Evidence;

/// <summary>
/// Every signature found for one image: the layers of its cosign signature manifest and the Sigstore bundles
/// among its referrers. What the registry side hands to <c>CosignImageVerifier</c>.
/// </summary>
internal sealed record CosignEvidence
{
    /// <summary>No signatures at all.</summary>
    public static CosignEvidence None { get; } = new();

    /// <summary>Layers of the <c>sha256-&lt;hex&gt;.sig</c> manifest, in manifest order.</summary>
    public ImmutableArray<CosignSignatureLayer> Layers { get; init; } = [];

    /// <summary>Sigstore bundles attached as referrers.</summary>
    public ImmutableArray<SigstoreBundleBlob> Bundles { get; init; } = [];

    /// <summary>Layers of the legacy <c>sha256-&lt;hex&gt;.att</c> manifest (<c>cosign attest</c> before bundles): DSSE envelopes.</summary>
    public ImmutableArray<CosignSignatureLayer> Attestations { get; init; } = [];

    /// <summary>How many signatures there are to examine.</summary>
    public int Count => Layers.Length + Bundles.Length + Attestations.Length;
}
