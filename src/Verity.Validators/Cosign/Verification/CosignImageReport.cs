using System.Collections.Immutable;
using Verity.Core.Images;

namespace Verity.Validators.Cosign.Verification;

/// <summary>
/// Every verdict for one image: each signature against each trust root that was evaluated.
/// </summary>
internal sealed record CosignImageReport
{
    /// <summary>The image digest the signatures were checked against.</summary>
    public required Digest Image { get; init; }

    /// <summary>The number of signatures found.</summary>
    public required int SignatureCount { get; init; }

    /// <summary>Verdicts, in evidence order, then trust-root order.</summary>
    public ImmutableArray<SignatureVerdict> Verdicts { get; init; } = [];

    /// <summary>Set when the evidence as a whole was refused (e.g. too many signatures); no verdicts then.</summary>
    public string? Refusal { get; init; }

    /// <summary>The verified signatures.</summary>
    public IEnumerable<VerifiedSignature> Verified => Verdicts.OfType<VerifiedSignature>();

    /// <summary>The trust roots with at least one verified signature, each once.</summary>
    public ImmutableArray<string> SignedTrustRoots => [.. Verified.Select(v => v.TrustRoot).Distinct(StringComparer.Ordinal)];

    /// <summary>The first reason a trust root's signatures were rejected, if any.</summary>
    public string? FirstRejection(string trustRoot) => Verdicts.OfType<RejectedSignature>().FirstOrDefault(r => r.TrustRoot == trustRoot)?.ToString();
}
