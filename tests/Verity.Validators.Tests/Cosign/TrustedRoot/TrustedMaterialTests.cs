using Verity.Validators.Cosign;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign.TrustedRoot;

public sealed class TrustedMaterialTests
{
    [Fact]
    public void PublicGood_EmbeddedRoot_MatchesSharedFixture()
    {
        var fixture = TrustedMaterial.Parse(File.ReadAllBytes(SharedFixtures.Path("sigstore", "trusted_root.public-good.json")));
        var embedded = TrustedMaterial.PublicGood;

        Assert.Equal(fixture.RekorLogs.Select(l => l.LogIdHex), embedded.RekorLogs.Select(l => l.LogIdHex));
        Assert.Equal(fixture.CtLogs.Select(l => l.LogIdHex), embedded.CtLogs.Select(l => l.LogIdHex));
        Assert.Equal(fixture.CertificateAuthorities.Select(c => c.Root.Thumbprint), embedded.CertificateAuthorities.Select(c => c.Root.Thumbprint));
    }

    [Fact]
    public void PublicGood_Parse_ReadsLogsAuthoritiesAndWindows()
    {
        var material = TrustedMaterial.PublicGood;

        var rekor = Assert.Single(material.RekorLogs);
        Assert.Equal("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", rekor.LogIdHex);
        Assert.Equal(SHA256.HashData(rekor.Key!.SubjectPublicKeyInfo), rekor.LogId.ToArray());
        Assert.Equal(KeyAlgorithm.EcdsaP256, rekor.Key.Algorithm);
        Assert.Equal(new DateTimeOffset(2021, 1, 12, 11, 53, 27, TimeSpan.Zero), rekor.Validity.Start);
        Assert.Null(rekor.Validity.End);

        Assert.Equal(2, material.CtLogs.Length);
        Assert.Contains(material.CtLogs, l => l.LogIdHex == "dd3d306ac6c7113263191e1c99673702a24a5eb8de3cadff878a72802f29ee8e");
        Assert.All(material.CtLogs, l => Assert.Equal(SHA256.HashData(l.Key!.SubjectPublicKeyInfo), l.LogId.ToArray()));

        Assert.Equal(2, material.CertificateAuthorities.Length);
        var current = material.CertificateAuthorities[1];
        Assert.Single(current.Intermediates);
        Assert.Equal("CN=sigstore, O=sigstore.dev", current.Root.Subject);
        Assert.False(material.CertificateAuthorities[0].Validity.Contains(new DateTimeOffset(2024, 5, 30, 0, 0, 0, TimeSpan.Zero)));
        Assert.True(current.Validity.Contains(new DateTimeOffset(2024, 5, 30, 0, 0, 0, TimeSpan.Zero)));

        var tsa = Assert.Single(material.TimestampAuthorities);
        Assert.NotNull(tsa.Leaf);
        Assert.Empty(tsa.Intermediates);
    }

    [Fact]
    public void WithConnaisseurHost_ReplacesOnlyTheGivenParts()
    {
        using var rekor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = VerificationKey.FromAsymmetricAlgorithm(rekor);

        var material = TrustedMaterial.PublicGood.WithConnaisseurHost(key, null, null);

        var log = Assert.Single(material.RekorLogs);
        Assert.Equal(SHA256.HashData(key.SubjectPublicKeyInfo), log.LogId.ToArray());
        Assert.Equal(ValidityPeriod.Unbounded, log.Validity);
        Assert.Equal(TrustedMaterial.PublicGood.CtLogs, material.CtLogs);
        Assert.Equal(TrustedMaterial.PublicGood.CertificateAuthorities, material.CertificateAuthorities);
    }

    [Fact]
    public void ForValidator_FulcioCertPem_EveryCertificateIsAnAnchor()
    {
        var pem = File.ReadAllText(SharedFixtures.Connaisseur("cosign", "11_keyless.yaml"));
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem.AsSpan(pem.IndexOf("-----BEGIN CERTIFICATE", StringComparison.Ordinal)));
        var definition = new CosignValidatorDefinition { Name = "v", FulcioRoots = certificates };

        var material = TrustedMaterial.PublicGood.WithConnaisseurHost(definition.RekorPublicKey, definition.FulcioRoots, definition.CtLogPublicKey);

        var authority = Assert.Single(material.CertificateAuthorities);
        Assert.Equal("CN=sigstore, O=sigstore.dev", authority.Root.Subject);
        Assert.Equal(TrustedMaterial.PublicGood.RekorLogs, material.RekorLogs);
    }

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.3"}""", "is not supported")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"hashAlgorithm":"SHA2_512"}]}""", "publicKey")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","certificateAuthorities":[{"certChain":{"certificates":[]}}]}""", "is empty")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","mediaType":"x"}""", "Duplicate")]
    [InlineData("[]", "must be an object")]
    public void TryParse_InvalidDocument_SaysWhy(string json, string expected)
    {
        Assert.False(TrustedMaterial.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_LogKeyWithoutValidityStart_IsRefused()
    {
        var key = Convert.ToBase64String(TrustedMaterial.PublicGood.RekorLogs[0].Key!.SubjectPublicKeyInfo);
        var json = $$$"""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"{{{key}}}"},"logId":{"keyId":"AA=="}}]}""";

        Assert.False(TrustedMaterial.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains("validFor.start is missing", error, StringComparison.Ordinal);
    }
}
