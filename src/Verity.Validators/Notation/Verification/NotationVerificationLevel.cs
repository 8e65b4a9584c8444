namespace Verity.Validators.Notation.Verification;

/// <summary>
/// The verification levels of the Notary Project trust-policy specification (<c>signatureVerification.level</c>).
/// </summary>
/// <remarks>
/// The specification's table, which <see cref="NotationSignatureVerifier"/> follows:
/// <code>
///                       strict     permissive  audit      skip
/// integrity             enforced   enforced    enforced   skipped
/// authenticity          enforced   enforced    logged     skipped
/// authentic timestamp   enforced   logged      logged     skipped
/// expiry                enforced   logged      logged     skipped
/// revocation            enforced   logged      logged     skipped
/// </code>
/// Revocation is never checked (Verity verifies offline): it is reported as "not checked", at every level.
/// </remarks>
public enum NotationVerificationLevel
{
    /// <summary>Every check is enforced.</summary>
    Strict,

    /// <summary>Integrity and authenticity are enforced; timestamp, expiry and revocation are logged.</summary>
    Permissive,

    /// <summary>Only integrity is enforced; the rest is logged.</summary>
    Audit,

    /// <summary>No verification: the image is admitted without looking at signatures.</summary>
    Skip,
}
