using System.Security.Cryptography.X509Certificates;

namespace Verity.Core.Trust;

/// <summary>A trust root of X.509 certificates (notation): signing CA or self-signed certificates, and optionally TSA roots.</summary>
public sealed record CertificateTrustRoot : TrustRoot
{
    /// <summary>Creates the trust root.</summary>
    public CertificateTrustRoot(string name, X509Certificate2Collection certificates, X509Certificate2Collection? timestampRoots)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if (certificates.Count == 0)
        {
            throw new ArgumentException("a certificate trust root needs at least one certificate", nameof(certificates));
        }

        Certificates = certificates;
        TimestampRoots = timestampRoots;
        SignerId = "x509:" + string.Join(",", certificates.Select(c => c.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)).Order(StringComparer.Ordinal));
    }

    /// <summary>The signing CA or self-signed certificates, in configuration order.</summary>
    public X509Certificate2Collection Certificates { get; }

    /// <summary>The roots of the timestamp authorities, if timestamps are trusted.</summary>
    public X509Certificate2Collection? TimestampRoots { get; }

    /// <inheritdoc/>
    public override string SignerId { get; }
}
