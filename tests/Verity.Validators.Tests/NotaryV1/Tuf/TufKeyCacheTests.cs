using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

public sealed class TufKeyCacheTests
{
    [Fact]
    public void TryGetKey_SameKeyTwice_ReturnsTheKeptInstance()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache();

        Assert.True(cache.TryGetKey(ecdsa.ExportSubjectPublicKeyInfo(), out var first, out _));
        Assert.True(cache.TryGetKey(ecdsa.ExportSubjectPublicKeyInfo(), out var second, out _));

        Assert.Same(first, second);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TryGetKey_DifferentKeys_ReturnsDifferentKeys()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache();

        Assert.True(cache.TryGetKey(a.ExportSubjectPublicKeyInfo(), out var keyA, out _));
        Assert.True(cache.TryGetKey(b.ExportSubjectPublicKeyInfo(), out var keyB, out _));

        Assert.NotEqual(keyA, keyB);
        Assert.Equal(VerificationKey.FromAsymmetricAlgorithm(a), keyA);
        Assert.Equal(VerificationKey.FromAsymmetricAlgorithm(b), keyB);
    }

    [Fact]
    public void TryGetKey_TwoEncodingsOfOneRsaKey_ReturnOneInstance()
    {
        // The usual SubjectPublicKeyInfo, and the same key without the NULL algorithm parameters.
        using var rsa = RSA.Create(2048);
        var cache = new TufKeyCache();

        Assert.True(cache.TryGetKey(RsaWithoutNullParameters(rsa), out var unusual, out _));
        Assert.True(cache.TryGetKey(rsa.ExportSubjectPublicKeyInfo(), out var usual, out _));
        Assert.True(cache.TryGetKey(RsaWithoutNullParameters(rsa), out var again, out _));

        Assert.Same(unusual, usual);
        Assert.Same(usual, again);
        Assert.Equal(rsa.ExportSubjectPublicKeyInfo(), usual.SubjectPublicKeyInfo.ToArray());
    }

    [Fact]
    public void Create_KeyAndItsCertificate_ShareOneKey()
    {
        using var key = TestKey.CreateX509("registry.example/acme/app");
        var cache = new TufKeyCache();
        var spki = key.VerificationKey.SubjectPublicKeyInfo.ToArray();

        var certificate = TufKey.Create("ecdsa-x509", key.PublicBytes, cache);
        var bare = TufKey.Create("ecdsa", spki, cache);

        Assert.NotEqual(certificate.Id, bare.Id);
        Assert.NotNull(certificate.Key);
        Assert.Same(certificate.Key, bare.Key);
        Assert.Equal("registry.example/acme/app", certificate.CertificateCommonName);
        Assert.Null(bare.CertificateCommonName);
    }

    [Fact]
    public void Add_PinnedKey_IsTheKeyOfACertificateHoldingIt()
    {
        using var key = TestKey.CreateX509("registry.example/acme/app");
        var cache = new TufKeyCache();
        var pinned = key.VerificationKey;

        Assert.Same(pinned, cache.Add(pinned));
        Assert.Same(pinned, TufKey.Create("ecdsa-x509", key.PublicBytes, cache).Key);
        Assert.Same(pinned, cache.Add(key.VerificationKey));
    }

    [Fact]
    public void Create_TwoCertificatesForOneKey_EachKeepsItsOwnCommonName()
    {
        // One root key, two collections: each collection's root certificate names its own GUN.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache();
        var appCertificate = Certificate(ecdsa, "registry.example/acme/app");
        var otherCertificate = Certificate(ecdsa, "registry.example/acme/other");
        var app = TufKey.Create("ecdsa-x509", appCertificate, cache);
        var other = TufKey.Create("ecdsa-x509", otherCertificate, cache);

        Assert.Equal("registry.example/acme/app", app.CertificateCommonName);
        Assert.Equal("registry.example/acme/other", other.CertificateCommonName);
        Assert.Same(app.Key, other.Key);

        // Read again (new TufKeys for the same bytes, as the next root.json gives): from the cache, unchanged.
        Assert.Equal("registry.example/acme/app", TufKey.Create("ecdsa-x509", appCertificate, cache).CertificateCommonName);
        Assert.Equal("registry.example/acme/other", TufKey.Create("ecdsa-x509", otherCertificate, cache).CertificateCommonName);
    }

    [Fact]
    public void Create_SameCertificateTwice_ReadsItOnce()
    {
        using var key = TestKey.CreateX509("registry.example/acme/app");
        var cache = new TufKeyCache();

        var first = TufKey.Create("ecdsa-x509", key.PublicBytes, cache);
        Assert.NotNull(first.Key);
        var kept = cache.Count;
        var second = TufKey.Create("ecdsa-x509", key.PublicBytes, cache);

        Assert.Same(first.Key, second.Key);
        Assert.Equal(first.CertificateCommonName, second.CertificateCommonName);
        Assert.Equal(kept, cache.Count);
        Assert.True(cache.TryGetCertificate(CertificateDer(key.PublicBytes), out var certificate));
        Assert.Equal("registry.example/acme/app", certificate.CommonName);
    }

    [Fact]
    public void Create_KeyTypeDisagreesWithKeptKey_VerifiesNothing()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache();
        var spki = ecdsa.ExportSubjectPublicKeyInfo();
        Assert.NotNull(TufKey.Create("ecdsa", spki, cache).Key);

        var mislabelled = TufKey.Create("rsa", spki, cache);

        Assert.Null(mislabelled.Key);
        Assert.Contains("holds a EcdsaP256 key", mislabelled.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetKey_Unreadable_IsRefusedEveryTimeAndNotKept()
    {
        var cache = new TufKeyCache();
        byte[] garbage = [0x30, 0x03, 0x02, 0x01, 0x01];

        Assert.False(cache.TryGetKey(garbage, out _, out var problem));
        Assert.False(cache.TryGetKey(garbage, out _, out var again));

        Assert.Equal("the key is not a DER SubjectPublicKeyInfo", problem);
        Assert.Equal(problem, again);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryGetKey_Full_DropsTheLeastRecentlyUsed()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var c = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache(maxEntries: 2);
        Assert.True(cache.TryGetKey(a.ExportSubjectPublicKeyInfo(), out var keyA, out _));
        Assert.True(cache.TryGetKey(b.ExportSubjectPublicKeyInfo(), out var keyB, out _));
        Assert.True(cache.TryGetKey(a.ExportSubjectPublicKeyInfo(), out _, out _));

        Assert.True(cache.TryGetKey(c.ExportSubjectPublicKeyInfo(), out _, out _));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGetKey(a.ExportSubjectPublicKeyInfo(), out var stillA, out _));
        Assert.Same(keyA, stillA);
        Assert.True(cache.TryGetKey(b.ExportSubjectPublicKeyInfo(), out var newB, out _));
        Assert.NotSame(keyB, newB);
        Assert.Equal(keyB, newB);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void TryGetKey_NoRoom_KeepsNothingButStillReads()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache(maxEntries: 0);

        Assert.True(cache.TryGetKey(ecdsa.ExportSubjectPublicKeyInfo(), out var key, out _));

        Assert.Equal(VerificationKey.FromAsymmetricAlgorithm(ecdsa), key);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task TryGetKey_ConcurrentReadsOfOneKey_AllGetOneKey()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cache = new TufKeyCache();
        var spki = ecdsa.ExportSubjectPublicKeyInfo();

        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            cache.TryGetKey(spki, out var key, out _) ? key : null, TestContext.Current.CancellationToken)));

        Assert.True(cache.TryGetKey(spki, out var kept, out _));
        Assert.All(keys, key => Assert.Same(kept, key));
        Assert.Equal(1, cache.Count);
    }

    private static byte[] RsaWithoutNullParameters(RSA rsa)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.1");
            }

            writer.WriteBitString(rsa.ExportRSAPublicKey());
        }

        return writer.Encode();
    }

    private static byte[] Certificate(ECDsa key, string commonName)
    {
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2036, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n");
    }

    private static byte[] CertificateDer(byte[] pem)
    {
        var text = Encoding.ASCII.GetString(pem);
        Assert.True(PemEncoding.TryFind(text, out var fields));
        return Convert.FromBase64String(text[fields.Base64Data]);
    }
}
