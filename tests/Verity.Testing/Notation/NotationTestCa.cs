using System.Formats.Asn1;
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
        Chain = [Root];
    }

    private NotationTestCa(NotationTestCa issuer, string name, bool keyUsage, bool certificateAuthority)
    {
        _rootKey = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        var request = new CertificateRequest($"CN={name}", _rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority, false, 0, true));
        if (keyUsage)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var cert = request.Create(issuer.Root.SubjectName, X509SignatureGenerator.CreateForRSA(issuer._rootKey, RSASignaturePadding.Pkcs1), now.AddDays(-10), now.AddYears(2), serial);
        _rootWithKey = cert.CopyWithPrivateKey(_rootKey);
        Root = X509CertificateLoader.LoadCertificate(_rootWithKey.RawData);
        Chain = [Root, .. issuer.Chain];
    }

    /// <summary>
    /// The root certificate (public part): what a trust root's <c>cert</c> holds; for an intermediate
    /// (<see cref="Intermediate"/>), the intermediate's certificate.
    /// </summary>
    public X509Certificate2 Root { get; }

    /// <summary>This CA's certificate and its issuers up to the self-signed root: what follows a leaf in <c>x5chain</c>.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>The root as PEM.</summary>
    public string RootPem => Root.ExportCertificatePem();

    /// <summary>A new CA, valid from 30 days before <paramref name="now"/> (default: now).</summary>
    public static NotationTestCa Create(string name = "Acme", DateTimeOffset? now = null) => new(name, now ?? DateTimeOffset.UtcNow);

    /// <summary>
    /// An intermediate CA issued by this one; its leaves chain through it. <paramref name="keyUsage"/> false leaves
    /// the key usage extension out; <paramref name="certificateAuthority"/> false issues it with <c>cA: false</c>.
    /// </summary>
    public NotationTestCa Intermediate(string name = "Acme intermediate", bool keyUsage = true, bool certificateAuthority = true) =>
        new(this, name, keyUsage, certificateAuthority);

    /// <summary>
    /// A leaf with its private key (RSA 2048 or ECDSA P-256), <c>digitalSignature</c> and, unless
    /// <paramref name="eku"/> says otherwise, the code-signing extended key usage; valid in the given window (default:
    /// a day ago to a year ahead).
    /// </summary>
    public X509Certificate2 Leaf(bool ecdsa = false, string? eku = CodeSigning, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string name = "signer") =>
        Leaf(new NotationLeafOptions
        {
            Name = name,
            Curve = ecdsa ? ECCurve.NamedCurves.nistP256 : null,
            Ekus = eku is null ? null : [eku],
            NotBefore = notBefore,
            NotAfter = notAfter,
        });

    /// <summary>A leaf with its private key, shaped by <paramref name="options"/> (key, key usages, constraints, issuer hash, validity).</summary>
    public X509Certificate2 Leaf(NotationLeafOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var now = DateTimeOffset.UtcNow;
        using AsymmetricAlgorithm key = options.Curve is { } curve ? ECDsa.Create(curve) : RSA.Create(options.RsaBits);
        var request = key is ECDsa ec
            ? new CertificateRequest($"CN={options.Name}", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest($"CN={options.Name}", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (options.CertificateAuthority is { } ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        }

        if (options.KeyUsage is { } usage)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, options.KeyUsageCritical));
        }

        if (options.Ekus is { } ekus)
        {
            var oids = new OidCollection();
            foreach (var oid in ekus)
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var generator = X509SignatureGenerator.CreateForRSA(_rootKey, RSASignaturePadding.Pkcs1);
        using var cert = request.Create(Root.SubjectName, generator, options.NotBefore ?? now.AddDays(-1), options.NotAfter ?? now.AddYears(1), serial);
        var signed = options.IssuerHash == HashAlgorithmName.SHA256 ? cert : Resign(cert, options.IssuerHash);
        try
        {
            return key is ECDsa e2 ? signed.CopyWithPrivateKey(e2) : signed.CopyWithPrivateKey((RSA)key);
        }
        finally
        {
            if (!ReferenceEquals(signed, cert))
            {
                signed.Dispose();
            }
        }
    }

    private X509Certificate2 Resign(X509Certificate2 cert, HashAlgorithmName hash)
    {
        // CertificateRequest refuses SHA-1 for new certificates; re-sign the TBS by hand (what an old CA would issue).
        var algorithm = hash == HashAlgorithmName.SHA1 ? "1.2.840.113549.1.1.5" : throw new ArgumentException($"unsupported issuer hash {hash}", nameof(hash));
        var tbs = new AsnReader(cert.RawData, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue();
        var fields = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        var tbsWriter = new AsnWriter(AsnEncodingRules.DER);
        using (tbsWriter.PushSequence())
        {
            // version, serial number, then the signature algorithm (replaced), then the rest as it was.
            tbsWriter.WriteEncodedValue(fields.ReadEncodedValue().Span);
            tbsWriter.WriteEncodedValue(fields.ReadEncodedValue().Span);
            fields.ReadEncodedValue();
            WriteAlgorithm(tbsWriter, algorithm);
            while (fields.HasData)
            {
                tbsWriter.WriteEncodedValue(fields.ReadEncodedValue().Span);
            }
        }

        var newTbs = tbsWriter.Encode();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(newTbs);
            WriteAlgorithm(writer, algorithm);
            writer.WriteBitString(_rootKey.SignData(newTbs, hash, RSASignaturePadding.Pkcs1));
        }

        return X509CertificateLoader.LoadCertificate(writer.Encode());
    }

    private static void WriteAlgorithm(AsnWriter writer, string oid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteNull();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _rootWithKey.Dispose();
        _rootKey.Dispose();
        Root.Dispose();
    }
}
