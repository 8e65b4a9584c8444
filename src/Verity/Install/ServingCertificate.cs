using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Install;

/// <summary>The webhook's TLS material in PEM: a CA (for the webhook's <c>caBundle</c>) and a serving certificate it signed.</summary>
/// <remarks>
/// What the chart's <c>genCA</c>/<c>genSignedCert</c> make: a CA valid for <see cref="ValidityDays"/> days and a
/// serving certificate for the Service's DNS names (<c>svc</c>, <c>svc.ns</c>, <c>svc.ns.svc</c>,
/// <c>svc.ns.svc.cluster.local</c>) with the CN <c>svc.ns.svc</c>. ECDSA P-256 rather than Helm's RSA 2048: smaller and
/// faster, and accepted by every API server. Verity re-reads the certificate files when the Secret changes.
/// </remarks>
internal sealed record ServingCertificate(string CaPem, string CertificatePem, string PrivateKeyPem)
{
    public const int ValidityDays = 3650;

    /// <summary>The DNS names a Service's serving certificate must carry, in the chart's order.</summary>
    public static IReadOnlyList<string> DnsNames(string service, string @namespace) =>
        [service, $"{service}.{@namespace}", $"{service}.{@namespace}.svc", $"{service}.{@namespace}.svc.cluster.local"];

    /// <summary>A new CA named <paramref name="caName"/> and a certificate it signed for <paramref name="dnsNames"/>.</summary>
    public static ServingCertificate Generate(string caName, string commonName, IReadOnlyList<string> dnsNames, TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(ValidityDays));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddDays(ValidityDays), serial);

        return new ServingCertificate(
            ca.ExportCertificatePem() + "\n",
            certificate.ExportCertificatePem() + "\n",
            key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
