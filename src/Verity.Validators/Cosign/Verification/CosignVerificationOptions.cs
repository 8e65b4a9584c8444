using System.Collections.Immutable;

namespace Verity.Validators.Cosign.Verification;

/// <summary>The per-rule switches of a cosign verification (Connaisseur's <c>with:</c> options).</summary>
internal sealed record CosignVerificationOptions
{
    /// <summary>Cosign's defaults: transparency log and SCT required.</summary>
    public static CosignVerificationOptions Default { get; } = new();

    /// <summary>
    /// <c>verifyInTransparencyLog</c>: a signature counts only with a verified Rekor entry. When false, entries
    /// are still checked and a verified one still supplies a signing time, but none is needed.
    /// </summary>
    public bool RequireTransparencyLog { get; init; } = true;

    /// <summary><c>verifySCT</c>: a keyless certificate counts only with a verified embedded SCT.</summary>
    public bool VerifySct { get; init; } = true;

    /// <summary>In-toto predicate types a DSSE bundle may have to count as a signature; empty means any.</summary>
    public ImmutableArray<string> PredicateTypes { get; init; } = [];
}
