using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>A signing key generated at test time, in the forms TUF metadata lists keys.</summary>
internal sealed class TestKey : IDisposable
{
    private readonly ECDsa _ecdsa;

    private TestKey(ECDsa ecdsa, string keyType, byte[] publicBytes)
    {
        _ecdsa = ecdsa;
        KeyType = keyType;
        PublicBytes = publicBytes;
        Id = TufKey.ComputeId(keyType, publicBytes);
    }

    public string KeyType { get; }

    public byte[] PublicBytes { get; }

    public string Id { get; }

    /// <summary>The bare public key, as a pinned trust root would hold it.</summary>
    public VerificationKey VerificationKey => VerificationKey.FromAsymmetricAlgorithm(_ecdsa);

    /// <summary>A P-256 key listed as <c>ecdsa</c> (DER SubjectPublicKeyInfo).</summary>
    public static TestKey Create()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TestKey(ecdsa, "ecdsa", ecdsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>A P-256 key with explicit curve parameters listed as <c>ecdsa</c> (RFC 5480 forbids the form).</summary>
    public static TestKey CreateWithExplicitCurve()
    {
        using var named = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecdsa = ECDsa.Create();
        ecdsa.ImportParameters(named.ExportExplicitParameters(true));
        return new TestKey(ecdsa, "ecdsa", ecdsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>A P-256 key listed as <c>ecdsa-x509</c> (a PEM self-signed certificate), as Notary lists root keys.</summary>
    public static TestKey CreateX509(string commonName)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, ecdsa, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(ForgedCollection.Now.AddDays(-1), ForgedCollection.Now.AddYears(10));
        var pem = PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n";
        return new TestKey(ecdsa, "ecdsa-x509", Encoding.ASCII.GetBytes(pem));
    }

    public PublicKeyTrustRoot AsTrustRoot(string name) => new(name, VerificationKey);

    public byte[] Sign(byte[] message) => _ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _ecdsa.Dispose();
}
