using Verity.Core.Policy;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Notation;

/// <summary>
/// A rule's options for a notation validator: the trust-root selection (<c>trustRoot</c>, <c>threshold</c>,
/// <c>required</c>), <c>verificationLevel</c> and <c>verifyTimestamp</c> (Notary Project trust-policy specification,
/// <c>signatureVerification</c>).
/// </summary>
public sealed record NotationRuleOptions : TrustRootRuleOptions
{
    /// <summary>Options with every default.</summary>
    public static new NotationRuleOptions Default { get; } = new();

    /// <summary>Which checks are enforced, logged or skipped; default <see cref="NotationVerificationLevel.Strict"/>.</summary>
    public NotationVerificationLevel VerificationLevel { get; init; } = NotationVerificationLevel.Strict;

    /// <summary>When a timestamp countersignature is checked; default <see cref="NotationTimestampPolicy.Always"/>.</summary>
    public NotationTimestampPolicy VerifyTimestamp { get; init; } = NotationTimestampPolicy.Always;
}
