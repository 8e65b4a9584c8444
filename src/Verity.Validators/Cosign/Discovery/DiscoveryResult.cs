using Verity.Validators.Cosign.Evidence;

namespace Verity.Validators.Cosign.Discovery;

/// <summary>
/// What one discovery pass found for one image digest: the evidence to verify, or a refusal when the registry's
/// answer was too big to examine as a whole.
/// </summary>
internal sealed record DiscoveryResult
{
    /// <summary>The signatures found (none when <see cref="Refusal"/> is set).</summary>
    public CosignEvidence Evidence { get; init; } = CosignEvidence.None;

    /// <summary>
    /// Why the image is denied without verifying anything, e.g. <c>the image has 40 signatures, more than the
    /// limit of 32</c>; null when <see cref="Evidence"/> is complete.
    /// </summary>
    public string? Refusal { get; init; }

    /// <summary>Whether the image has a cosign signature manifest (<c>sha256-&lt;hex&gt;.sig</c>).</summary>
    public bool HasSignatureTag { get; init; }

    /// <summary>A complete result.</summary>
    public static DiscoveryResult Found(CosignEvidence evidence, bool hasSignatureTag) => new() { Evidence = evidence, HasSignatureTag = hasSignatureTag };

    /// <summary>A refusal.</summary>
    public static DiscoveryResult Refused(string reason) => new() { Refusal = reason };
}
