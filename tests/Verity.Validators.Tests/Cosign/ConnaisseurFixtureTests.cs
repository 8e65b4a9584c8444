using Verity.Validators.Cosign;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Signatures made by the real cosign CLI (Connaisseur's test data), with the expectations of Connaisseur's
/// own validator tests (internal/validator/cosignvalidator/cosign_validator_test.go).
/// </summary>
public sealed class ConnaisseurFixtureTests
{
    private static Digest Alice => ConnaisseurCosign.ImageDigest("multi-cosigned-alice");
    private static Digest AliceBobCharlie => ConnaisseurCosign.ImageDigest("multi-cosigned-alice-bob-charlie");
    private static Digest Keyless => ConnaisseurCosign.ImageDigest("keyless");

    // When the keyless fixture was signed, its Fulcio certificate had expired long ago.
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // 01_cosign.yaml: trust roots alice and bob.
    private static TrustRoot[] AliceAndBob => [ConnaisseurCosign.Key("alice"), ConnaisseurCosign.Key("bob")];

    private static KeylessTrustRoot Philipp => new("philipp-keyless", new KeylessIdentity
    {
        Issuer = "https://github.com/login/oauth",
        Subject = "philipp.belitz@securesystems.de",
    });

    [Fact]
    public void MultiCosignedAlice_AliceWithoutTlog_TrustedWithSignedDigest()
    {
        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false }, Alice, ConnaisseurCosign.Evidence(Alice));

        Assert.Equal("sha256:071bf7a986f1ca9cb2a1f0bc8392822a7777f90d58f2d2c6f271913e08de7c81", CosignRun.AssertTrusted(outcome).ToString());
    }

    [Fact]
    public void MultiCosignedAlice_TlogRequired_DeniedForMissingEntry()
    {
        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "alice" }, Alice, ConnaisseurCosign.Evidence(Alice));

        var reason = CosignRun.AssertDenied(outcome);
        Assert.StartsWith("no signature by trust root \"alice\"", reason, StringComparison.Ordinal);
        Assert.Contains("no valid transparency log entry", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiCosignedAliceBobCharlie_Threshold2_Trusted()
    {
        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "*", Threshold = 2, VerifyInTransparencyLog = false }, AliceBobCharlie, ConnaisseurCosign.Evidence(AliceBobCharlie));

        Assert.Equal("sha256:bfec161fecb0a887df7cb85e4da327c65986ccda7060cf3cd92171c6c90d7533", CosignRun.AssertTrusted(outcome).ToString());
    }

    [Fact]
    public void MultiCosignedAliceBobCharlie_Threshold3WithTwoRoots_DeniedAtTwoOfThree()
    {
        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "*", Threshold = 3, VerifyInTransparencyLog = false }, AliceBobCharlie, ConnaisseurCosign.Evidence(AliceBobCharlie));

        Assert.Equal("validation threshold not reached (2/3)", CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void MultiCosignedAliceBobCharlie_Threshold3WithCharlie_TrustedByThreeDistinctRoots()
    {
        TrustRoot[] roots = [.. AliceAndBob, ConnaisseurCosign.Key("charlie")];

        var outcome = CosignRun.Validate([.. roots], new CosignRuleOptions { TrustRoot = "*", Threshold = 3, VerifyInTransparencyLog = false }, AliceBobCharlie, ConnaisseurCosign.Evidence(AliceBobCharlie));

        CosignRun.AssertTrusted(outcome);
    }

    [Fact]
    public void MultiCosignedAlice_RequiredBob_DeniedNamingBob()
    {
        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "*", Required = ["bob"], VerifyInTransparencyLog = false }, Alice, ConnaisseurCosign.Evidence(Alice));

        Assert.Equal("0 of 1 required signatures found (missing: bob)", CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void MultiCosignedAlice_RequiredBobAndAlice_DeniedNamingBob()
    {
        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "*", Required = ["bob", "alice"], VerifyInTransparencyLog = false }, Alice, ConnaisseurCosign.Evidence(Alice));

        Assert.Equal("1 of 2 required signatures found (missing: bob)", CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void Unsigned_AllRoots_DeniedThresholdNotReached()
    {
        var image = ConnaisseurCosign.ImageDigest("co-unsigned");

        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "*", VerifyInTransparencyLog = false }, image, ConnaisseurCosign.Evidence(image));

        Assert.Equal("validation threshold not reached (0/2) (the image has no signatures)", CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void Unsigned_SingleRoot_DeniedNoSignature()
    {
        var image = ConnaisseurCosign.ImageDigest("co-unsigned");

        var outcome = CosignRun.Validate([.. AliceAndBob], new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false }, image, ConnaisseurCosign.Evidence(image));

        Assert.Equal("no signature by trust root \"alice\" (the image has no signatures)", CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void Keyless_PhilippAgainstItsOwnHostKeys_TrustedWithTlogAndSct()
    {
        var outcome = CosignRun.Validate([Philipp], new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Keyless, ConnaisseurCosign.Evidence(Keyless), ConnaisseurCosign.KeylessHostMaterial(), Now);

        Assert.Equal("sha256:31dc72a13a0c34b40eb95419d2b2fd67320c856baf3b72da518023ee8d370aee", CosignRun.AssertTrusted(outcome).ToString());
    }

    [Fact]
    public void Keyless_PhilippAgainstPublicGoodRoot_Trusted()
    {
        var outcome = CosignRun.Validate([Philipp], new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Keyless, ConnaisseurCosign.Evidence(Keyless), TrustedMaterial.PublicGood, Now);

        CosignRun.AssertTrusted(outcome);
    }

    [Fact]
    public void Keyless_PhilippByAnchoredRegex_Trusted()
    {
        var root = new KeylessTrustRoot("philipp-keyless", new KeylessIdentity
        {
            IssuerRegex = KeylessIdentity.Anchored(@"https://github\.com/login/oauth"),
            SubjectRegex = KeylessIdentity.Anchored(@"philipp\.[a-z]+@securesystems\.de"),
        });

        var outcome = CosignRun.Validate([root], new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Keyless, ConnaisseurCosign.Evidence(Keyless), ConnaisseurCosign.KeylessHostMaterial(), Now);

        CosignRun.AssertTrusted(outcome);
    }

    [Fact]
    public void Keyless_BobIdentity_DeniedForIdentity()
    {
        var bob = new KeylessTrustRoot("bob-keyless", new KeylessIdentity { IssuerRegex = KeylessIdentity.Anchored("google"), Subject = "bob@gmail.com" });

        var outcome = CosignRun.Validate([bob], new CosignRuleOptions { TrustRoot = "bob-keyless" }, Keyless, ConnaisseurCosign.Evidence(Keyless), ConnaisseurCosign.KeylessHostMaterial(), Now);

        var reason = CosignRun.AssertDenied(outcome);
        Assert.Contains("philipp.belitz@securesystems.de (issuer https://github.com/login/oauth) does not match trust root \"bob-keyless\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyless_ConnaisseurUnanchoredRegexes_NoLongerMatchSubstrings()
    {
        // 11_keyless.yaml's philipp-keyless: issuerRegex "github", subjectRegex "philipp". Connaisseur passes these
        // unanchored (substring match); Verity anchors them, so they must match the whole value.
        var root = new KeylessTrustRoot("philipp-keyless", new KeylessIdentity
        {
            IssuerRegex = KeylessIdentity.Anchored("github"),
            SubjectRegex = KeylessIdentity.Anchored("philipp"),
        });

        var outcome = CosignRun.Validate([root], new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Keyless, ConnaisseurCosign.Evidence(Keyless), ConnaisseurCosign.KeylessHostMaterial(), Now);

        Assert.Contains("does not match trust root", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Keyless_KeyTrustRoot_DeniedAsTheKeyDiffers()
    {
        var outcome = CosignRun.Validate([ConnaisseurCosign.Key("alice")], new CosignRuleOptions { TrustRoot = "alice" }, Keyless, ConnaisseurCosign.Evidence(Keyless), ConnaisseurCosign.KeylessHostMaterial(), Now);

        Assert.Contains("certificate for another key", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Keyless_WithoutSctCheckOrLogKeyOfAnotherLog_DeniedForTlog()
    {
        // The CT and Fulcio material alone, with the Rekor key of another log: the bundle's log is not trusted.
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var material = ConnaisseurCosign.KeylessHostMaterial().WithConnaisseurHost(VerificationKey.FromAsymmetricAlgorithm(other), null, null);

        var outcome = CosignRun.Validate([Philipp], new CosignRuleOptions { TrustRoot = "philipp-keyless", VerifySct = false }, Keyless, ConnaisseurCosign.Evidence(Keyless), material, Now);

        var reason = CosignRun.AssertDenied(outcome);
        Assert.Contains("no valid transparency log entry", reason, StringComparison.Ordinal);
        Assert.Contains("not trusted", reason, StringComparison.Ordinal);
    }
    [Fact]
    public void Keyless_FulcioIntermediateAloneAsAnchor_DeniedAsPathIsPartial()
    {
        // cosign (Go's CertPool) would accept an intermediate as the anchor. .NET builds the path with OpenSSL,
        // which does not check the signatures of a partial path, so Verity needs the self-signed root.
        var layer = ConnaisseurCosign.Evidence(Keyless).Layers[0];
        var chain = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        chain.ImportFromPem(layer.Annotations["dev.sigstore.cosign/chain"]);
        var evidence = new Verity.Validators.Cosign.Evidence.CosignEvidence { Layers = [layer] };

        var intermediateOnly = ConnaisseurCosign.KeylessHostMaterial().WithConnaisseurHost(null, [chain[0]], null);
        Assert.Contains("does not chain to the trusted root", CosignRun.AssertDenied(CosignRun.Validate([Philipp], new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Keyless, evidence, intermediateOnly, Now)), StringComparison.Ordinal);

        // Intermediate and root configured: the intermediate is found even when the signature carries no chain.
        var both = ConnaisseurCosign.KeylessHostMaterial().WithConnaisseurHost(null, chain, null);
        var withoutChain = new Verity.Validators.Cosign.Evidence.CosignEvidence { Layers = [layer with { Annotations = layer.Annotations.Remove("dev.sigstore.cosign/chain") }] };
        CosignRun.AssertTrusted(CosignRun.Validate([Philipp], new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Keyless, withoutChain, both, Now));
    }
}
