namespace Verity.Core.Trust;

/// <summary>A trust root that is one public key (notaryv1 root key, cosign key).</summary>
public sealed record PublicKeyTrustRoot : TrustRoot
{
    /// <summary>Creates the trust root.</summary>
    public PublicKeyTrustRoot(string name, VerificationKey key)
        : base(name)
    {
        Key = key;
    }

    /// <summary>The key.</summary>
    public VerificationKey Key { get; }

    /// <inheritdoc/>
    public override string SignerId => "key:" + Key.Fingerprint();
}
