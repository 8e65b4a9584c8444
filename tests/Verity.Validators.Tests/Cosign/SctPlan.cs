using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// How <see cref="TestSigstore.IssueLeaf"/> makes a leaf's embedded SCT. The defaults make the SCT the test CT log makes
/// (RFC 6962 §3.2); each property changes one thing, for the attack tests.
/// </summary>
internal sealed record SctPlan
{
    /// <summary>The key that signs the SCT instead of the test CT log's.</summary>
    public AsymmetricAlgorithm? SignedBy { get; init; }

    /// <summary>With <see cref="SignedBy"/>: whether the SCT still names the test CT log (a forgery), or the log of its own key.</summary>
    public bool NamesTestLog { get; init; } = true;

    /// <summary>The RSA padding of an RSA signer (RFC 6962 allows only PKCS#1 v1.5).</summary>
    public RSASignaturePadding? RsaPadding { get; init; }

    /// <summary>The TLS SignatureAlgorithm to write instead of the signer's (1 = RSA, 3 = ECDSA).</summary>
    public byte? SignatureAlgorithm { get; init; }

    /// <summary>The hash signed and named (SHA-256 or SHA-384).</summary>
    public HashAlgorithmName Hash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>The issuer key hash to sign instead of that of the Fulcio root.</summary>
    public byte[]? IssuerKeyHash { get; init; }

    /// <summary>Embeds the SCT list of this certificate (genuine SCTs over another precertificate) instead of signing one.</summary>
    public X509Certificate2? CopiedFrom { get; init; }
}
