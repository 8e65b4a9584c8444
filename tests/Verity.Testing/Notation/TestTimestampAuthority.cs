using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing.Notation;

/// <summary>
/// A throwaway RFC 3161 timestamp authority: a root (what a trust root's <c>tsCert</c> holds) and a TSA certificate
/// with the critical timeStamping extended key usage, issuing tokens over given bytes at a chosen time.
/// </summary>
public sealed class TestTimestampAuthority : IDisposable
{
    private readonly RSA _rootKey = RSA.Create(2048);
    private readonly X509Certificate2 _tsa;

    /// <summary>
    /// Creates the authority; <paramref name="ekus"/> (default: timeStamping only), <paramref name="ekuCritical"/> and
    /// <paramref name="omitEku"/> (no extended key usage at all) shape its TSA certificate.
    /// </summary>
    public TestTimestampAuthority(string[]? ekus = null, bool ekuCritical = true, bool omitEku = false)
    {
        var now = DateTimeOffset.UtcNow;
        var rootRequest = new CertificateRequest("CN=Test TSA root", _rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var rootWithKey = rootRequest.CreateSelfSigned(now.AddYears(-2), now.AddYears(5));
        Root = X509CertificateLoader.LoadCertificate(rootWithKey.RawData);

        using var tsaKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test TSA", tsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (!omitEku)
        {
            var oids = new OidCollection();
            foreach (var oid in ekus ?? ["1.3.6.1.5.5.7.3.8"])
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, ekuCritical));
        }

        using var cert = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForRSA(_rootKey, RSASignaturePadding.Pkcs1), now.AddYears(-2), now.AddYears(4), [1, 2, 3]);
        _tsa = cert.CopyWithPrivateKey(tsaKey);
    }

    /// <summary>The TSA root certificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>
    /// An RFC 3161 token (DER) over <paramref name="data"/> (SHA-256 imprint) at <paramref name="time"/>, with an
    /// accuracy of <paramref name="accuracySeconds"/> if set.
    /// </summary>
    public byte[] Stamp(ReadOnlySpan<byte> data, DateTimeOffset time, long? accuracySeconds = null)
    {
        var tstInfo = new AsnWriter(AsnEncodingRules.DER);
        using (tstInfo.PushSequence())
        {
            tstInfo.WriteInteger(1);
            tstInfo.WriteObjectIdentifier("1.2.3.4.1");
            using (tstInfo.PushSequence())
            {
                using (tstInfo.PushSequence())
                {
                    tstInfo.WriteObjectIdentifier("2.16.840.1.101.3.4.2.1");
                }

                tstInfo.WriteOctetString(SHA256.HashData(data));
            }

            tstInfo.WriteInteger(RandomNumberGenerator.GetInt32(1, int.MaxValue));
            tstInfo.WriteGeneralizedTime(time, omitFractionalSeconds: true);
            if (accuracySeconds is { } seconds)
            {
                using (tstInfo.PushSequence())
                {
                    tstInfo.WriteInteger(seconds);
                }
            }
        }

        var certId = new AsnWriter(AsnEncodingRules.DER);
        using (certId.PushSequence())
        {
            using (certId.PushSequence())
            {
                using (certId.PushSequence())
                {
                    certId.WriteOctetString(SHA256.HashData(_tsa.RawData));
                }
            }
        }

        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _tsa)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new AsnEncodedData("1.2.840.113549.1.9.16.2.47", certId.Encode()));
        var cms = new SignedCms(new ContentInfo(new Oid("1.2.840.113549.1.9.16.1.4"), tstInfo.Encode()), detached: false);
        cms.ComputeSignature(signer);
        return cms.Encode();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _tsa.Dispose();
        Root.Dispose();
        _rootKey.Dispose();
    }
}
