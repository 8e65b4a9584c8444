using System.Text;
using Verity.Core.Trust;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

public sealed class TufKeyTests
{
    [Theory]
    [InlineData("del1")]
    [InlineData("del2")]
    [InlineData("targets")]
    [InlineData("snapshot")]
    [InlineData("timestamp")]
    public void ComputeId_EcdsaFixtureKey_MatchesConnaisseursKeyId(string name)
    {
        var key = VerificationKey.Parse(File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", name + ".pub")));
        var id = TufKey.ComputeId("ecdsa", key.SubjectPublicKeyInfo);
        Assert.Equal(File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", name + "_id.txt")).Trim(), id);
    }

    [Fact]
    public void ComputeId_X509RootCertificate_MatchesConnaisseursKeyId()
    {
        // For ecdsa-x509 the public bytes are the PEM text itself.
        var pem = File.ReadAllBytes(ConnaisseurTrustData.TrustDataPath("keys", "root.crt"));
        var key = TufKey.Create("ecdsa-x509", pem);
        Assert.Equal(File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", "root_id.txt")).Trim(), key.Id);
        Assert.NotNull(key.Key);
        Assert.Equal(VerificationKey.Parse(File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", "root.pub"))), key.Key);
    }

    [Fact]
    public void Create_KeyTypeDisagreesWithContent_VerifiesNothing()
    {
        var pem = File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", "del1.pub"));
        var spki = VerificationKey.Parse(pem).SubjectPublicKeyInfo.ToArray();
        var key = TufKey.Create("rsa", spki);
        Assert.Null(key.Key);
        Assert.Contains("holds a EcdsaP256 key", key.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dsa")]
    [InlineData("ECDSA")]
    public void Create_UnknownKeyType_VerifiesNothing(string keyType)
    {
        var key = TufKey.Create(keyType, Encoding.ASCII.GetBytes("whatever"));
        Assert.Null(key.Key);
    }

    [Fact]
    public void Create_Ed25519RawKey_IsUsable()
    {
        var raw = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        var key = TufKey.Create("ed25519", raw);
        Assert.Equal(KeyAlgorithm.Ed25519, key.Key?.Algorithm);
        Assert.Equal(raw, key.Key!.GetEd25519Key());
    }
}
