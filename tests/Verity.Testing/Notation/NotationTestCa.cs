using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing.Notation;

/// <summary>A throwaway code-signing CA for Notary Project signatures made at test time: a root and leaves it issues.</summary>
public sealed class NotationTestCa : IDisposable
{
    private const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    private readonly RSA _rootKey;
    private readonly X509Certificate2 _rootWithKey;

    private NotationTestCa(string name, DateTimeOffset now)
    {
        _rootKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name} notation root", _rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _rootWithKey = request.CreateSelfSigned(now.AddDays(-30), now.AddYears(5));
        Root = X509CertificateLoader.LoadCertificate(_rootWithKey.RawData);
    }

    /// <summary>The root certificate (public part): what a trust root's <c>cert</c> holds.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The root as PEM.</summary>
    public string RootPem => Root.ExportCertificatePem();

    /// <summary>A new CA, valid from 30 days before <paramref name="now"/> (default: now).</summary>
    public static NotationTestCa Create(string name = "Acme", DateTimeOffset? now = null) => new(name, now ?? DateTimeOffset.UtcNow);

    /// <summary>
    /// A leaf with its private key (RSA 2048 or ECDSA P-256), <c>digitalSignature</c> and, unless
    /// <paramref name="eku"/> says otherwise, the code-signing extended key usage; valid in the given window (default:
    /// a day ago to a year ahead).
    /// </summary>
    public X509Certificate2 Leaf(bool ecdsa = false, string? eku = CodeSigning, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string name = "signer")
    {
        var now = DateTimeOffset.UtcNow;
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa ec
            ? new CertificateRequest($"CN={name}", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest($"CN={name}", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (eku is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var cert = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForRSA(_rootKey, RSASignaturePadding.Pkcs1), notBefore ?? now.AddDays(-1), notAfter ?? now.AddYears(1), serial);
        return key is ECDsa e2 ? cert.CopyWithPrivateKey(e2) : cert.CopyWithPrivateKey((RSA)key);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _rootWithKey.Dispose();
        _rootKey.Dispose();
        Root.Dispose();
    }
}
