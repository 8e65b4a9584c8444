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
}
