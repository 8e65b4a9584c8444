namespace Verity.Validators.Notation.Verification;

/// <summary>When the timestamp countersignature of a signature is used (<c>signatureVerification.verifyTimestamp</c>).</summary>
public enum NotationTimestampPolicy
{
    /// <summary>Whenever the signature has one and the trust root has timestamp roots.</summary>
    Always,

    /// <summary>Only when the signing certificate chain has expired by now.</summary>
    AfterCertExpiry,
}
