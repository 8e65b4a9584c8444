using System.Formats.Asn1;
using System.Security.Cryptography;
using Verity.Core.Trust;

namespace Verity.Core.Tests.Trust;

/// <summary>What <see cref="VerificationKey.TryParse"/> refuses: each case guards a check a mutation run found unguarded.</summary>
public sealed class VerificationKeyTests
{
    [Fact]
    public void TryParse_PemKeyWithTrailingData_IsRefused()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = PemEncoding.WriteString("PUBLIC KEY", ecdsa.ExportSubjectPublicKeyInfo());

        Assert.True(VerificationKey.TryParse(pem, out _, out _));
        Assert.False(VerificationKey.TryParse(pem + "\nsmuggled text after the key", out var key, out var error));
        Assert.Null(key);
        Assert.Equal("the key contains extraneous characters after its PEM block", error);
    }

    // ECDsa.ImportSubjectPublicKeyInfo threw PlatformNotSupportedException out of TryParse for a curve OpenSSL does not
    // know (found by fuzzing the configuration loader, docs/fuzzing.md).
    [Theory]
    [InlineData("1.2.840.10045.11.1.7")]
    [InlineData("1.2.840.10045.3.1.99")]
    [InlineData("1.0.2888.10045.3.1.7")]
    public void TryParse_EcdsaKeyOnAnUnknownNamedCurve_IsRefused(string curve)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.10045.2.1");
                writer.WriteObjectIdentifier(curve);
            }

            writer.WriteBitString(ecdsa.ExportParameters(false) is var p ? [0x04, .. p.Q.X!, .. p.Q.Y!] : []);
        }

        Assert.False(VerificationKey.TryParse(PemEncoding.WriteString("PUBLIC KEY", writer.Encode()), out var key, out var error));
        Assert.Null(key);
        Assert.Equal("the ECDSA key is on an unknown curve; P-256, P-384 and P-521 are supported", error);
    }

    [Fact]
    public void TryParse_SecondPemBlockAfterTheKey_IsRefused()
    {
        using var first = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var second = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = PemEncoding.WriteString("PUBLIC KEY", first.ExportSubjectPublicKeyInfo()) + "\n" + PemEncoding.WriteString("PUBLIC KEY", second.ExportSubjectPublicKeyInfo());

        Assert.False(VerificationKey.TryParse(pem, out _, out var error));
        Assert.Equal("the key contains extraneous characters after its PEM block", error);
    }

    [Theory]
    [InlineData(1024, false)]
    [InlineData(2040, false)]
    [InlineData(2048, true)]
    public void TryParse_RsaKeyShorterThan2048Bits_IsRefused(int bits, bool accepted)
    {
        using var rsa = RSA.Create(bits);
        var pem = PemEncoding.WriteString("PUBLIC KEY", rsa.ExportSubjectPublicKeyInfo());

        Assert.Equal(accepted, VerificationKey.TryParse(pem, out _, out var error));
        if (!accepted)
        {
            Assert.Equal($"the RSA key has {bits} bits; at least 2048 are required", error);
        }
    }

    [Fact]
    public void TryFromSubjectPublicKeyInfo_SameRsaKeyWithoutNullParameters_IsTheSameKey()
    {
        // Key-duplication attack: one RSA key given twice, once without the NULL algorithm parameters (which .NET
        // accepts), must not be two keys (two fingerprints, two signers toward a threshold).
        using var rsa = RSA.Create(2048);
        var usual = rsa.ExportSubjectPublicKeyInfo();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.1");
            }

            writer.WriteBitString(rsa.ExportRSAPublicKey());
        }

        var unusual = writer.Encode();
        Assert.NotEqual(usual, unusual);

        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(usual, out var first, out _));
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(unusual, out var second, out _));
        Assert.Equal(first.Fingerprint(), second.Fingerprint());
        Assert.Equal(first, second);
        Assert.Equal(usual, second.SubjectPublicKeyInfo.ToArray());
    }

    [Fact]
    public void TryFromSubjectPublicKeyInfo_EcKeyWithExplicitCurveParameters_IsRefusedWithAReason()
    {
        // Used to end in a NullReferenceException (the curve of an explicit key has no OID).
        using var named = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var explicitCurve = ECDsa.Create();
        explicitCurve.ImportParameters(named.ExportExplicitParameters(false));
        var spki = explicitCurve.ExportSubjectPublicKeyInfo();

        Assert.False(VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var key, out var error));
        Assert.Null(key);
        Assert.Equal("the ECDSA key has explicit curve parameters; only a named curve (P-256, P-384, P-521) is accepted", error);
    }

    [Fact]
    public void TryFromSubjectPublicKeyInfo_Ed25519KeyWithParameters_IsTheSameKeyAsWithout()
    {
        var raw = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] plain = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. raw];
        byte[] withNull = [0x30, 0x2c, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x05, 0x00, 0x03, 0x21, 0x00, .. raw];

        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(plain, out var first, out _));
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(withNull, out var second, out _));
        Assert.Equal(first, second);
    }

    [Fact]
    public void TryFromSubjectPublicKeyInfo_MalformedEd25519BitString_IsRefusedNotThrown()
    {
        byte[] broken = [0x30, 0x0a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x01, 0x00];
        Assert.False(VerificationKey.TryFromSubjectPublicKeyInfo(broken, out _, out var error));
        Assert.NotNull(error);
    }
}
