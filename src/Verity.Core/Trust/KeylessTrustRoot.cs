namespace Verity.Core.Trust;

/// <summary>A cosign keyless trust root: any Fulcio certificate for the given identity.</summary>
public sealed record KeylessTrustRoot : TrustRoot
{
    /// <summary>Creates the trust root.</summary>
    public KeylessTrustRoot(string name, KeylessIdentity identity)
        : base(name)
    {
        Identity = identity;
    }

    /// <summary>The identity the certificate must carry.</summary>
    public KeylessIdentity Identity { get; }

    /// <inheritdoc/>
    public override string SignerId => "keyless:" + Identity.ToString();
}
