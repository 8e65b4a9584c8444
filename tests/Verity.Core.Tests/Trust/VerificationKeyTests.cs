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
}
