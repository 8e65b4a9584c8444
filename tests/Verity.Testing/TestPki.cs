using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing;

/// <summary>A throwaway CA and server certificates, generated at test time for servers on 127.0.0.1.</summary>
public sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey;

    private TestPki(string name)
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddDays(-3), now.AddDays(1));
        CaCertificate = X509CertificateLoader.LoadCertificate(withKey.RawData);
        CaWithKey = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        ServerCertificate = CreateServerCertificate("127.0.0.1", "localhost");
    }

    /// <summary>The CA certificate (public part), to trust in clients.</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>A server certificate for <c>127.0.0.1</c> and <c>localhost</c>, with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    private X509Certificate2 CaWithKey { get; }

    /// <summary>A new CA.</summary>
    public static TestPki Create(string name = "Verity") => new(name);

    /// <summary>A server certificate for the given IP addresses or DNS names, issued by this CA, with its private key.</summary>
    public X509Certificate2 CreateServerCertificate(params string[] names) =>
        CreateServerCertificate(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), names);

    /// <summary>A server certificate for the given names that expired an hour ago, issued by this CA, with its private key.</summary>
    public X509Certificate2 CreateExpiredServerCertificate(params string[] names) =>
        CreateServerCertificate(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddHours(-1), names);

    /// <summary>A server certificate for the given names, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public X509Certificate2 CreateServerCertificate(DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(CaWithKey, notBefore, notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so that SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _caKey.Dispose();
        CaWithKey.Dispose();
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
    }
}
