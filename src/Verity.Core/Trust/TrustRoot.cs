namespace Verity.Core.Trust;

/// <summary>
/// A named root of trust of a validator, parsed from configuration once.
/// </summary>
/// <remarks>
/// A closed set of forms: <see cref="PublicKeyTrustRoot"/>, <see cref="KeyReferenceTrustRoot"/>,
/// <see cref="KeylessTrustRoot"/> and <see cref="CertificateTrustRoot"/>. Validators receive typed
/// material, never PEM strings.
/// </remarks>
public abstract record TrustRoot
{
    private protected TrustRoot(string name)
    {
        Name = name;
    }

    /// <summary>The name rules refer to with <c>with.trustRoot</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// What makes this root a signer of its own: two roots with the same identity (the same key configured under
    /// two names) are one signer when signatures are counted toward a threshold.
    /// </summary>
    /// <remarks>Public keys: the SHA-256 of their normalised SubjectPublicKeyInfo; certificates: the SHA-256 of their
    /// DER; keyless: the identity's issuer and subject; references: the reference.</remarks>
    public abstract string SignerId { get; }
}
