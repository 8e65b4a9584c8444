namespace Verity.Core.Trust;

/// <summary>
/// A cosign key held elsewhere and resolved when needed, e.g. <c>k8s://namespace/secret</c>.
/// </summary>
public sealed record KeyReferenceTrustRoot : TrustRoot
{
    /// <summary>Creates the trust root.</summary>
    public KeyReferenceTrustRoot(string name, Uri reference)
        : base(name)
    {
        Reference = reference;
    }

    /// <summary>The reference, e.g. <c>k8s://ns/name</c>.</summary>
    public Uri Reference { get; }

    /// <inheritdoc/>
    public override string SignerId => "ref:" + Reference;
}
