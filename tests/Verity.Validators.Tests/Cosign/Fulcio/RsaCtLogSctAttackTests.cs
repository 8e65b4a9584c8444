using System.Security.Cryptography;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign.Fulcio;

/// <summary>
/// Keyless signatures whose Fulcio certificate carries the SCT of a CT log with an RSA key (issue #10), end to end: the trusted
/// root names the log's key as <c>PKCS1_RSA_PKCS1V5</c> (a PKCS#1 RSAPublicKey) or as a PKIX SubjectPublicKeyInfo, and each
/// attack on the SCT (RFC 6962 §3.2: another key, another precertificate, another issuer, a log the root does not list, a
/// signature RFC 6962 §2.1.4 does not allow) is denied with its cause.
/// </summary>
public sealed class RsaCtLogSctAttackTests : IDisposable
{
    private const string Workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
    private const string Denial = "no signature by trust root \"acme\": signature layer 1: no valid certificate transparency SCT (";

    private static readonly CosignRuleOptions Keyless = new() { TrustRoot = "acme" };

    private readonly TestSigstore _sigstore = new(RSA.Create(2048));

    private static KeylessTrustRoot Acme => new("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = Workflow });

    public void Dispose() => _sigstore.Dispose();

    [Theory]
    [InlineData("PKCS1_RSA_PKCS1V5")]
    [InlineData("PKIX_RSA_PKCS1V5")]
    [InlineData("PKIX_RSA_PKCS1V15_2048_SHA256")]
    public void RsaCtLog_KeylessLayerWithItsSct_Trusted(string keyDetails)
    {
        var material = Material(keyDetails);
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);

        Assert.Equal(KeyAlgorithm.Rsa, Assert.Single(material.CtLogs).Key!.Algorithm);
        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, layer, material)));
    }

    [Theory]
    [InlineData("PKCS1_RSA_PKCS1V5")]
    [InlineData("PKIX_RSA_PKCS1V5")]
    public void SctSignedByAnotherRsaKey_NamingTheTrustedLog_Denied(string keyDetails)
    {
        using var mallory = RSA.Create(2048);
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { SignedBy = mallory });

        Assert.Equal($"{Denial}an SCT from log https://ct.verity.test does not verify with the log's key)", Denied(image, layer, Material(keyDetails)));
    }

    [Theory]
    [InlineData("PKCS1_RSA_PKCS1V5")]
    [InlineData("PKIX_RSA_PKCS1V5")]
    public void SctOverAnotherPrecertificate_CopiedFromAnotherCertificateOfTheLog_Denied(string keyDetails)
    {
        // A CA that did not log a certificate borrows the genuine SCT of one it did log.
        var image = TestSigstore.RandomImage();
        var (logged, loggedKey) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, TestSigstore.Epoch.AddMinutes(-40));
        loggedKey.Dispose();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { CopiedFrom = logged });

        Assert.Equal($"{Denial}an SCT from log https://ct.verity.test does not verify with the log's key)", Denied(image, layer, Material(keyDetails)));
    }

    [Fact]
    public void SctOverAnotherIssuer_IssuerKeyHashOfAnotherCa_Denied()
    {
        using var otherCa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { IssuerKeyHash = SHA256.HashData(otherCa.ExportSubjectPublicKeyInfo()) });

        Assert.Equal($"{Denial}an SCT from log https://ct.verity.test does not verify with the log's key)", Denied(image, layer, Material("PKIX_RSA_PKCS1V5")));
    }

    [Theory]
    [InlineData("PKCS1_RSA_PKCS1V5")]
    [InlineData("PKIX_RSA_PKCS1V5")]
    public void SctFromAnRsaLogNotInTheTrustedRoot_Denied(string keyDetails)
    {
        using var rogueLog = RSA.Create(2048);
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { SignedBy = rogueLog, NamesTestLog = false });
        var rogueId = Convert.ToHexStringLower(SHA256.HashData(rogueLog.ExportSubjectPublicKeyInfo()));

        Assert.Equal($"{Denial}an SCT is from CT log {rogueId}, which is not trusted)", Denied(image, layer, Material(keyDetails)));
    }

    [Fact]
    public void SctWithPssPadding_ByTheTrustedRsaLogKey_Denied()
    {
        // RFC 6962 §2.1.4 and the TLS 1.2 digitally-signed struct: an RSA SCT is RSASSA-PKCS1-v1_5. A PSS signature by the log's
        // key is not an SCT the log issued (Verity accepted it before, trying PSS after PKCS#1 v1.5 as for cosign signatures).
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { RsaPadding = RSASignaturePadding.Pss });

        Assert.Equal($"{Denial}an SCT from log https://ct.verity.test does not verify with the log's key)", Denied(image, layer, Material("PKIX_RSA_PKCS1V5")));
    }

    [Fact]
    public void SctNamingEcdsa_SignedByTheRsaLog_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { SignatureAlgorithm = 3 });

        Assert.Equal($"{Denial}an SCT from log https://ct.verity.test names TLS signature algorithm 3, but the log's key is Rsa (1))", Denied(image, layer, Material("PKCS1_RSA_PKCS1V5")));
    }

    [Fact]
    public void SctOverSha384_ByTheRsaLog_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { Hash = HashAlgorithmName.SHA384 });

        Assert.Equal(
            $"{Denial}an SCT from log https://ct.verity.test hashes with TLS hash algorithm 5, not SHA-256 (4), which RFC 6962 §2.1.4 requires)",
            Denied(image, layer, Material("PKIX_RSA_PKCS1V5")));
    }

    [Fact]
    public void SctCheckOff_SctSignedByAnotherRsaKey_Trusted()
    {
        // The contrast: with verifySCT off, the same forged SCT is not looked at.
        using var mallory = RSA.Create(2048);
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, sct: new SctPlan { SignedBy = mallory });

        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, layer, Material("PKIX_RSA_PKCS1V5"), Keyless with { VerifySct = false })));
    }

    private TrustedMaterial Material(string keyDetails)
    {
        Assert.True(TrustedMaterial.TryParse(_sigstore.TrustedRootJson(keyDetails), out var material, out var error), error);
        return material;
    }

    private static string Denied(Digest image, KeylessLayer layer, TrustedMaterial material) => CosignRun.AssertDenied(Run(image, layer, material));

    private static ValidationOutcome Run(Digest image, KeylessLayer layer, TrustedMaterial material, CosignRuleOptions? rule = null)
    {
        return CosignRun.Validate([Acme], rule ?? Keyless, image, new CosignEvidence { Layers = [layer.Layer] }, material, TestSigstore.Epoch);
    }
}
