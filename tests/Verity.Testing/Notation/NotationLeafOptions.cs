using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing.Notation;

/// <summary>How <see cref="NotationTestCa.Leaf(NotationLeafOptions)"/> deviates from a well-formed code-signing leaf, for attack tests.</summary>
public sealed record NotationLeafOptions
{
    /// <summary>The code-signing extended key usage.</summary>
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";

    /// <summary>The subject's common name.</summary>
    public string Name { get; init; } = "signer";

    /// <summary>An ECDSA key on this curve instead of RSA.</summary>
    public ECCurve? Curve { get; init; }

    /// <summary>The RSA key size (when <see cref="Curve"/> is null).</summary>
    public int RsaBits { get; init; } = 2048;

    /// <summary>The key usage bits; null leaves the extension out.</summary>
    public X509KeyUsageFlags? KeyUsage { get; init; } = X509KeyUsageFlags.DigitalSignature;

    /// <summary>Whether the key usage extension is critical.</summary>
    public bool KeyUsageCritical { get; init; } = true;

    /// <summary>The extended key usages; null leaves the extension out.</summary>
    public IReadOnlyList<string>? Ekus { get; init; } = [CodeSigning];

    /// <summary>The basic constraints' cA flag; null leaves the extension out.</summary>
    public bool? CertificateAuthority { get; init; } = false;

    /// <summary>The hash the issuer signs the certificate with.</summary>
    public HashAlgorithmName IssuerHash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>The validity window (default: a day ago to a year ahead).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The end of the validity window.</summary>
    public DateTimeOffset? NotAfter { get; init; }
}
