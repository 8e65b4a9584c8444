using System.Collections.Immutable;

namespace Verity.Core.Policy;

/// <summary>
/// The <c>with:</c> options of a policy rule, as Connaisseur defines them.
/// </summary>
/// <remarks>
/// Which options a validator reads depends on its type: <c>delegations</c> is for notaryv1;
/// <c>threshold</c>, <c>required</c>, <c>verifyInTransparencyLog</c>, <c>verifySCT</c> and
/// <c>acceptSignedPlatforms</c> are for cosign;
/// <c>verificationLevel</c> and <c>verifyTimestamp</c> are for notation. The loader rejects options that
/// the rule's validator type does not read.
/// </remarks>
public sealed record RuleOptions
{
    /// <summary>Options with every default.</summary>
    public static RuleOptions Default { get; } = new();

    /// <summary>The trust root name, <c>*</c> for all, or null for the one named <c>default</c>.</summary>
    public string? TrustRoot { get; init; }

    /// <summary>Whether the trusted digest is patched into the workload.</summary>
    public ValidationMode Mode { get; init; } = ValidationMode.Mutate;

    /// <summary>notaryv1: delegation roles that must all have signed the same digest (with <c>targets/</c> prefix).</summary>
    public ImmutableArray<string> Delegations { get; init; } = [];

    /// <summary>cosign: how many distinct trust roots must have signed (with <c>trustRoot: "*"</c>).</summary>
    public int? Threshold { get; init; }

    /// <summary>cosign: trust roots that must each have signed.</summary>
    public ImmutableArray<string> Required { get; init; } = [];

    /// <summary>cosign: whether a transparency-log entry is required.</summary>
    public bool VerifyInTransparencyLog { get; init; } = true;

    /// <summary>cosign keyless: whether the certificate's embedded SCT is verified.</summary>
    public bool VerifySct { get; init; } = true;

    /// <summary>
    /// cosign: when the image resolves to an image index without a valid signature of its own, trust it if every
    /// platform manifest it lists is signed (each under this rule's trust roots and threshold). The workload is
    /// still pinned to the index digest. Default false: the signed digest must be the digest the reference
    /// resolves to, as cosign checks it.
    /// </summary>
    public bool AcceptSignedPlatforms { get; init; }

    /// <summary>notation: <c>strict</c>, <c>permissive</c> or <c>audit</c>.</summary>
    public string VerificationLevel { get; init; } = "strict";

    /// <summary>notation: <c>always</c> or <c>afterCertExpiry</c>.</summary>
    public string VerifyTimestamp { get; init; } = "always";
}
