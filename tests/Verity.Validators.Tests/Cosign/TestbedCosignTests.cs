using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Validators.Cosign.Timestamps;
using Verity.Validators.Cosign.TrustedRoot;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Signatures made by the test bed with <c>@sigstore/*</c> against its mock Fulcio, Rekor and TSA (new keys on
/// every start): cosign layer annotations, Sigstore bundles and an in-toto attestation. Expected verdicts follow
/// the test bed's <c>out/verdicts.json</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TestbedCosignTests
{
    private static Testbed Bed => Testbed.Current;

    private static string CosignDir => Path.GetDirectoryName(Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"])!;

    private static TrustedMaterial Material => TrustedMaterial.Parse(File.ReadAllBytes(Bed["TESTBED_SIGSTORE_TRUSTED_ROOT"]));

    private static KeylessTrustRoot Identity(string sanVariable) => new("testbed", new KeylessIdentity
    {
        Issuer = Bed["TESTBED_KEYLESS_ISSUER"],
        Subject = Bed[sanVariable],
    });

    private static PublicKeyTrustRoot Key(string pubVariable) => new("testbed", VerificationKey.Parse(File.ReadAllText(Bed[pubVariable])));

    [Fact]
    public void TrustedRoot_TestbedDocument_HasEveryKindOfMaterial()
    {
        var material = Material;

        var rekor = Assert.Single(material.RekorLogs);
        Assert.Equal(SHA256.HashData(rekor.Key!.SubjectPublicKeyInfo), rekor.LogId.ToArray());
        Assert.Single(material.CtLogs);
        Assert.Single(material.CertificateAuthorities);
        var tsa = Assert.Single(material.TimestampAuthorities);
        Assert.NotNull(tsa.Leaf);
    }

    [Theory]
    [InlineData("signed", "TESTBED_COSIGN_PUB", true)]
    [InlineData("multi", "TESTBED_COSIGN_PUB", true)]
    [InlineData("docker", "TESTBED_COSIGN_PUB", true)]
    [InlineData("multi-docker", "TESTBED_COSIGN_PUB", true)]
    [InlineData("wrongdigest", "TESTBED_COSIGN_PUB", false)]
    [InlineData("otherkey", "TESTBED_COSIGN_PUB", false)]
    [InlineData("otherkey", "TESTBED_COSIGN_OTHER_PUB", true)]
    [InlineData("signed", "TESTBED_COSIGN_OTHER_PUB", false)]
    public void KeyLayer_TlogOptional_MatchesTestbedVerdict(string tag, string key, bool admit)
    {
        var image = DigestOf(tag);
        var outcome = CosignRun.Validate([Key(key)], new CosignRuleOptions { TrustRoot = "testbed", VerifyInTransparencyLog = false }, image, Evidence(KeyLayer(tag)), Material);

        if (admit)
        {
            Assert.Equal(image, CosignRun.AssertTrusted(outcome));
        }
        else
        {
            CosignRun.AssertDenied(outcome);
        }
    }

    [Fact]
    public void KeyLayer_BadSignature_Denied()
    {
        var image = DigestOf("badsig");
        var layer = new CosignSignatureLayer(
            ImmutableDictionary<string, string>.Empty.Add(CosignSignatureLayer.SignatureAnnotation, File.ReadAllText(Path.Combine(CosignDir, "badsig.sig")).Trim()),
            File.ReadAllBytes(Path.Combine(CosignDir, "badsig.payload.json")));

        var outcome = CosignRun.Validate([Key("TESTBED_COSIGN_PUB")], new CosignRuleOptions { TrustRoot = "testbed", VerifyInTransparencyLog = false }, image, Evidence(layer), Material);

        Assert.Contains("does not verify with the key of trust root \"testbed\"", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyLayer_SignedWithRekorBundle_TrustedWithTlogRequired()
    {
        var image = DigestOf("signed");

        var outcome = CosignRun.Validate([Key("TESTBED_COSIGN_PUB")], new CosignRuleOptions { TrustRoot = "testbed" }, image, Evidence(KeyLayer("signed")), Material);

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void KeyLayer_MultiWithoutRekorBundle_DeniedWithTlogRequired()
    {
        var image = DigestOf("multi");

        var outcome = CosignRun.Validate([Key("TESTBED_COSIGN_PUB")], new CosignRuleOptions { TrustRoot = "testbed" }, image, Evidence(KeyLayer("multi")), Material);

        Assert.Contains("no valid transparency log entry (the signature has none)", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void SignedImage_KeyAndKeylessLayers_KeylessIdentityTrusted()
    {
        var image = DigestOf("signed");
        var evidence = Evidence(KeyLayer("signed"), Layer("signed.keyless.annotations.json", "signed.payload.json"));

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, evidence, Material);

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void KeylessLayer_OtherSubject_Denied()
    {
        var image = DigestOf("signed");

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_OTHER_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, Evidence(Layer("signed.keyless.annotations.json", "signed.payload.json")), Material);

        Assert.Contains("does not match trust root \"testbed\"", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TESTBED_KEYLESS_OTHER_SAN", true)]
    [InlineData("TESTBED_KEYLESS_SAN", false)]
    public void KeylessLayer_OtherkeyByMallory_MatchesTestbedVerdict(string san, bool admit)
    {
        var image = DigestOf("otherkey");
        var evidence = Evidence(KeyLayer("otherkey"), Layer("otherkey.keyless.annotations.json", "otherkey.payload.json"));

        var outcome = CosignRun.Validate([Identity(san)], new CosignRuleOptions { TrustRoot = "testbed" }, image, evidence, Material);

        Assert.Equal(admit, outcome is Verity.Core.Validation.ValidationOutcome.Trusted);
    }

    [Fact]
    public void KeylessTrustRoot_KeyOnlySignature_DeniedForMissingCertificate()
    {
        var image = DigestOf("multi");

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, Evidence(KeyLayer("multi")), Material);

        Assert.Contains("has no certificate", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void KeylessLayer_OnlyRfc3161Timestamp_TrustedAtTheTimestampsTime()
    {
        var image = DigestOf("signed");
        var layer = Layer("signed.keyless.annotations.json", "signed.payload.json");
        var withoutRekor = layer with { Annotations = layer.Annotations.Remove(CosignSignatureLayer.BundleAnnotation) };

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed", VerifyInTransparencyLog = false }, image, Evidence(withoutRekor), Material, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void KeylessLayer_NoTimestampNoRekorAfterExpiry_Denied()
    {
        var image = DigestOf("signed");
        var layer = Layer("signed.keyless.annotations.json", "signed.payload.json");
        var bare = layer with { Annotations = layer.Annotations.Remove(CosignSignatureLayer.BundleAnnotation).Remove(CosignSignatureLayer.TimestampAnnotation) };

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed", VerifyInTransparencyLog = false }, image, Evidence(bare), Material, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Contains("(the current time)", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc3161Timestamp_OverAnotherSignature_DoesNotVerify()
    {
        var layer = Layer("signed.keyless.annotations.json", "signed.payload.json");
        using var document = JsonDocument.Parse(layer.Annotations[CosignSignatureLayer.TimestampAnnotation]);
        var token = document.RootElement.GetProperty("SignedRFC3161Timestamp").GetBytesFromBase64();
        var signature = Convert.FromBase64String(layer.Annotations[CosignSignatureLayer.SignatureAnnotation]);

        Assert.True(TimestampVerifier.TryVerify(token, signature, Material, out var time, out var error), error);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - time).TotalDays) < 30);
        signature[^1] ^= 1;
        Assert.False(TimestampVerifier.TryVerify(token, signature, Material, out _, out _));
        Assert.False(TimestampVerifier.TryVerify(token, Convert.FromBase64String(layer.Annotations[CosignSignatureLayer.SignatureAnnotation]), TrustedMaterial.PublicGood, out _, out _));
    }

    [Fact]
    public void KeylessBundle_V02WithPayload_Trusted()
    {
        var image = DigestOf("signed");
        var bundle = new SigstoreBundleBlob(File.ReadAllBytes(Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"]), File.ReadAllBytes(Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]));

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, new CosignEvidence { Bundles = [bundle] }, Material);

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void KeylessBundle_OtherSubject_Denied()
    {
        var image = DigestOf("signed");
        var bundle = new SigstoreBundleBlob(File.ReadAllBytes(Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"]), File.ReadAllBytes(Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]));

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_OTHER_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, new CosignEvidence { Bundles = [bundle] }, Material);

        CosignRun.AssertDenied(outcome);
    }

    [Fact]
    public void KeylessBundle_WithoutTlogEntries_TrustedByTimestampOnlyWhenTlogOptional()
    {
        var image = DigestOf("signed");
        var json = JsonNode.Parse(File.ReadAllText(Bed["TESTBED_KEYLESS_BUNDLE_SIGNED"]))!;
        json["verificationMaterial"]!.AsObject().Remove("tlogEntries");
        var bundle = new SigstoreBundleBlob(JsonSerializer.SerializeToUtf8Bytes(json), File.ReadAllBytes(Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]));
        var evidence = new CosignEvidence { Bundles = [bundle] };

        CosignRun.AssertTrusted(CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed", VerifyInTransparencyLog = false }, image, evidence, Material));
        Assert.Contains("no valid transparency log entry", CosignRun.AssertDenied(CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, evidence, Material)), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyBundle_InclusionProofAndPromise_TrustedWithTlogRequired()
    {
        var image = DigestOf("signed");
        var bundle = new SigstoreBundleBlob(File.ReadAllBytes(Path.Combine(CosignDir, "signed.key.bundle.json")), File.ReadAllBytes(Bed["TESTBED_COSIGN_PAYLOAD_SIGNED"]));

        var outcome = CosignRun.Validate([Key("TESTBED_COSIGN_PUB")], new CosignRuleOptions { TrustRoot = "testbed" }, image, new CosignEvidence { Bundles = [bundle] }, Material);

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void AttestationBundle_DsseForSignedImage_Trusted()
    {
        var image = DigestOf("signed");
        var bundle = new SigstoreBundleBlob(File.ReadAllBytes(Bed["TESTBED_ATTESTATION_BUNDLE"]));

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed", PredicateTypes = ["https://slsa.dev/provenance/v1"] }, image, new CosignEvidence { Bundles = [bundle] }, Material);

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void AttestationBundle_ForUnsignedImage_DeniedBySubject()
    {
        var image = DigestOf("unsigned");
        var bundle = new SigstoreBundleBlob(File.ReadAllBytes(Bed["TESTBED_ATTESTATION_BUNDLE"]));

        var outcome = CosignRun.Validate([Identity("TESTBED_KEYLESS_SAN")], new CosignRuleOptions { TrustRoot = "testbed" }, image, new CosignEvidence { Bundles = [bundle] }, Material);

        Assert.Contains("the attestation's subjects do not include this image", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void AttestationBundle_PredicateTypeNotAccepted_Rejected()
    {
        var image = DigestOf("signed");
        var entity = Assert.IsType<Verity.Validators.Cosign.Signatures.SignedEntity>(ReadBundle(File.ReadAllBytes(Bed["TESTBED_ATTESTATION_BUNDLE"])));
        var verifier = new CosignVerifier(Material, TimeProvider.System);

        var verdict = verifier.Verify(entity, Identity("TESTBED_KEYLESS_SAN"), image, new CosignVerificationOptions { PredicateTypes = ["https://in-toto.io/attestation/vulns/v0.1"] });

        Assert.Contains("predicate type \"https://slsa.dev/provenance/v1\" is not accepted", Assert.IsType<RejectedSignature>(verdict).Reason, StringComparison.Ordinal);
    }

    private static Verity.Validators.Cosign.Signatures.SignedEntity ReadBundle(byte[] json)
    {
        Assert.True(Verity.Validators.Cosign.Signatures.SigstoreBundleReader.TryRead(new SigstoreBundleBlob(json), "bundle 1", CosignLimits.Default, out var entity, out var error), error);
        return entity;
    }

    private static Digest DigestOf(string tag) => Digest.Parse(Bed["TESTBED_DIGEST_" + tag.ToUpperInvariant().Replace('-', '_')]);

    private static CosignEvidence Evidence(params CosignSignatureLayer[] layers) => new() { Layers = [.. layers] };

    private static CosignSignatureLayer KeyLayer(string tag) => Layer($"{tag}.key.annotations.json", $"{tag}.payload.json");

    private static CosignSignatureLayer Layer(string annotations, string payload)
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(CosignDir, annotations)))!;
        return new CosignSignatureLayer(map.ToImmutableDictionary(), File.ReadAllBytes(Path.Combine(CosignDir, payload)), CosignSignatureLayer.SimpleSigningMediaType);
    }
}
