using Verity.Validators.Cosign;
using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Testing;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// The cosign validator end to end against the test bed's real registry (distribution 2.8, no referrers API):
/// every cosign-key, cosign-keyless and sigstore-bundle-referrer case of <c>out/verdicts.json</c>, the wording of
/// denials, and the round trips one validation costs.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TestbedValidatorTests : IDisposable
{
    private static readonly string[] Verifiers = ["cosign-key", "cosign-keyless", "sigstore-bundle-referrer"];

    private readonly CosignTestHost _host = new();

    private static Testbed Bed => Testbed.Current;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static X509Certificate2 Ca => X509CertificateLoader.LoadCertificateFromFile(Bed["TESTBED_CA_CERT"]);

    public void Dispose() => _host.Dispose();

    public static TheoryData<string> VerdictCases()
    {
        var cases = new TheoryData<string>();
        foreach (var verdict in Verdicts())
        {
            cases.Add(verdict.Id);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(VerdictCases), DisableDiscoveryEnumeration = true)]
    public async Task Validate_TestbedCase_GivesExpectedVerdict(string id)
    {
        var verdict = Verdicts().Single(v => v.Id == id);
        var keyBased = verdict.Verifier == "cosign-key";
        TrustRoot root = keyBased ? Key(verdict.Policy.GetProperty("key").GetString()!) : Identity(verdict.Policy.GetProperty("subject").GetString()!);
        var validator = _host.Validator(keyBased ? CosignTestHost.Definition(Ca, root) : KeylessDefinition(root));

        // The verdicts assume key signatures need no transparency log entry (only signed's has one).
        // A sigstore-bundle-referrer case names the attestation's predicate type, which the rule must accept to count it.
        var predicateTypes = verdict.Policy.TryGetProperty("predicateType", out var type) ? [type.GetString()!] : ImmutableArray<string>.Empty;
        var outcome = await validator.ValidateAsync(
            ImageReference.Parse(verdict.Image), new CosignRuleOptions { TrustRoot = root.Name, VerifyInTransparencyLog = !keyBased, PredicateTypes = predicateTypes }, Ct);

        if (verdict.Admit)
        {
            Assert.Equal(verdict.ResolvedDigest, Outcome.Trusted(outcome));
        }
        else
        {
            Outcome.Denied(outcome);
        }
    }

    [Fact]
    public void Verdicts_CoverEveryCosignKind()
    {
        var verdicts = Verdicts();

        Assert.Equal(Verifiers, verdicts.Select(v => v.Verifier).Distinct());
        Assert.True(verdicts.Count >= 20, $"only {verdicts.Count} cosign verdicts");
    }

    [Fact]
    public async Task Validate_Unsigned_DeniedNamingDigestAndTrustRoot()
    {
        var validator = _host.Validator(CosignTestHost.Definition(Ca, Key("cosign.pub")));

        var outcome = await validator.ValidateAsync(Image("test/app:unsigned"), new CosignRuleOptions { TrustRoot = "cosign" }, Ct);

        Assert.Equal($"no signatures found for {Bed["TESTBED_IMAGE"]}@{Bed["TESTBED_DIGEST_UNSIGNED"]} (trust root \"cosign\")", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Validate_WrongKey_DeniedNamingTheTrustRoot()
    {
        var validator = _host.Validator(CosignTestHost.Definition(Ca, Key("cosign-other.pub")));

        var outcome = await validator.ValidateAsync(Image("test/app:signed"), new CosignRuleOptions { TrustRoot = "cosign-other" }, Ct);

        Assert.StartsWith(
            "no signature by trust root \"cosign-other\": signature layer 1: the signature does not verify with the key of trust root \"cosign-other\"",
            Outcome.Denied(outcome),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownTag_DeniedAsNotExisting()
    {
        var validator = _host.Validator(CosignTestHost.Definition(Ca, Key("cosign.pub")));

        var outcome = await validator.ValidateAsync(Image("test/app:no-such-tag"), new CosignRuleOptions { TrustRoot = "cosign" }, Ct);

        Assert.Equal($"image \"{Bed["TESTBED_IMAGE"]}:no-such-tag\" does not exist", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Validate_RequiredRootsMissing_DeniedNamingThem()
    {
        var validator = _host.Validator(CosignTestHost.Definition(
            Ca, Key("cosign.pub", "alice"), Key("cosign-other.pub", "bob"), Key("notary-root.pub", "charlie")));

        var outcome = await validator.ValidateAsync(
            Image("test/app:signed"), new CosignRuleOptions { TrustRoot = "*", Required = ["alice", "bob", "charlie"], VerifyInTransparencyLog = false }, Ct);

        Assert.Equal("1 of 3 required signatures found (missing: bob, charlie)", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Validate_KeyAndKeylessRootsWithThreshold_TrustedFromOneFetch()
    {
        var validator = _host.Validator(KeylessDefinition(Key("cosign.pub"), Key("cosign-other.pub"), Identity(Bed["TESTBED_KEYLESS_SAN"])));

        var outcome = await validator.ValidateAsync(Image("test/app:signed"), new CosignRuleOptions { TrustRoot = "*", Threshold = 2 }, Ct);

        Assert.Equal(Bed["TESTBED_DIGEST_SIGNED"], Outcome.Trusted(outcome));
        Assert.Equal("cosign signatures by \"cosign\", \"testbed\"", Assert.IsType<ValidationOutcome.Trusted>(outcome).Detail);
    }

    /// <summary>
    /// HEAD of the tag; the <c>.sig</c> manifest; the <c>.att</c> manifest (404); the referrers API (404 on distribution 2.8) and its tag schema
    /// fallback; one payload blob (both layers of <c>signed</c> share it); the bundle referrer's manifest and blob.
    /// Three trust roots cost the same as one.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Validate_SignedTag_CostsEightRoundTripsWhateverTheNumberOfTrustRoots(int roots)
    {
        TrustRoot[] all = [Key("cosign.pub"), Key("cosign-other.pub"), Identity(Bed["TESTBED_KEYLESS_SAN"])];
        var validator = _host.Validator(KeylessDefinition(all[..roots]));
        var rule = new CosignRuleOptions { TrustRoot = roots == 1 ? "cosign" : "*", Threshold = roots == 1 ? null : 2 };
        await validator.ValidateAsync(Image("test/app:signed"), rule, Ct); // connections and the token-free path warmed up
        _host.ResetCount();

        var outcome = await validator.ValidateAsync(Image("test/app:signed"), rule, Ct);

        Outcome.Trusted(outcome);
        Assert.Equal(
            ["blob 200", "blob 200", "manifest 200", "manifest 200", "manifest 200", "manifest 200", "manifest 404", "referrers 404"],
            _host.Requests.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Validate_DigestReference_SkipsTheTagLookup()
    {
        var validator = _host.Validator(KeylessDefinition(Key("cosign.pub")));
        var image = ImageReference.Parse($"{Bed["TESTBED_IMAGE"]}@{Bed["TESTBED_DIGEST_SIGNED"]}");
        await validator.ValidateAsync(image, new CosignRuleOptions { TrustRoot = "cosign" }, Ct);
        _host.ResetCount();

        var outcome = await validator.ValidateAsync(image, new CosignRuleOptions { TrustRoot = "cosign" }, Ct);

        Assert.Equal(Bed["TESTBED_DIGEST_SIGNED"], Outcome.Trusted(outcome));
        Assert.Equal(7, _host.RequestCount);
    }

    [Fact]
    public async Task Validate_PlatformManifestOfSignedIndex_DeniedBecauseOnlyTheIndexIsSigned()
    {
        var validator = _host.Validator(CosignTestHost.Definition(Ca, Key("cosign.pub")));
        var platform = ImageReference.Parse($"{Bed["TESTBED_IMAGE"]}@{Bed["TESTBED_DIGEST_MULTI_AMD64"]}");

        var outcome = await validator.ValidateAsync(platform, new CosignRuleOptions { TrustRoot = "cosign", VerifyInTransparencyLog = false }, Ct);

        Assert.Equal($"no signatures found for {Bed["TESTBED_IMAGE"]}@{Bed["TESTBED_DIGEST_MULTI_AMD64"]} (trust root \"cosign\")", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Validate_SignedIndexWithAcceptSignedPlatforms_TrustedByTheIndexSignatureAlone()
    {
        var validator = _host.Validator(CosignTestHost.Definition(Ca, Key("cosign.pub")));

        var outcome = await validator.ValidateAsync(
            Image("test/app:multi"), new CosignRuleOptions { TrustRoot = "cosign", VerifyInTransparencyLog = false, AcceptSignedPlatforms = true }, Ct);

        Assert.Equal(Bed["TESTBED_DIGEST_MULTI"], Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task Validate_UnsignedPlatformsWithAcceptSignedPlatforms_DeniedNamingThePlatform()
    {
        var validator = _host.Validator(CosignTestHost.Definition(Ca, Key("cosign-other.pub")));

        var outcome = await validator.ValidateAsync(
            Image("test/app:multi"), new CosignRuleOptions { TrustRoot = "cosign-other", VerifyInTransparencyLog = false, AcceptSignedPlatforms = true }, Ct);

        var reason = Outcome.Denied(outcome);
        Assert.StartsWith("no signature by trust root \"cosign-other\"", reason, StringComparison.Ordinal);
        Assert.Contains(", and its platform manifest linux/amd64 is not trusted either: no signatures found for", reason, StringComparison.Ordinal);
    }

    private static ImageReference Image(string rest) => ImageReference.Parse(Bed["TESTBED_REGISTRY"] + "/" + rest);

    private static PublicKeyTrustRoot Key(string file, string? name = null)
    {
        var path = Path.Combine(Bed["TESTBED_WORK_DIR"], "keys", file);
        return new PublicKeyTrustRoot(name ?? Path.GetFileNameWithoutExtension(file), VerificationKey.Parse(File.ReadAllText(path)));
    }

    private static KeylessTrustRoot Identity(string subject) => new(
        subject == Bed["TESTBED_KEYLESS_SAN"] ? "testbed" : "mallory",
        new KeylessIdentity { Issuer = Bed["TESTBED_KEYLESS_ISSUER"], Subject = subject });

    /// <summary>The test bed's sigstore as a user would configure it: <c>host.fulcioCert</c>, <c>rekorPubkey</c>, <c>ctLogPubkey</c>.</summary>
    private static CosignValidatorDefinition KeylessDefinition(params TrustRoot[] roots)
    {
        var fulcio = new X509Certificate2Collection();
        fulcio.ImportFromPemFile(Bed["TESTBED_FULCIO_ROOT_PEM"]);
        return CosignTestHost.Definition(Ca, roots) with
        {
            FulcioRoots = fulcio,
            RekorPublicKey = VerificationKey.Parse(File.ReadAllText(Bed["TESTBED_REKOR_PUB"])),
            CtLogPublicKey = VerificationKey.Parse(File.ReadAllText(Bed["TESTBED_CTLOG_PUB"])),
        };
    }

    private static List<Verdict> Verdicts()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Bed["TESTBED_VERDICTS"]));
        var verdicts = new List<Verdict>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var verifier = entry.GetProperty("verifier").GetString()!;
            if (!Verifiers.Contains(verifier))
            {
                continue;
            }

            var policy = entry.GetProperty("policy").Clone();
            var image = entry.GetProperty("image").GetString()!;
            var who = policy.TryGetProperty("key", out var key) ? key.GetString()! : policy.GetProperty("subject").GetString()!.Split('/')[3];
            var admit = entry.GetProperty("expect").GetString() == "admit";
            verdicts.Add(new Verdict(
                $"{verifier}: {image[(image.IndexOf('/', StringComparison.Ordinal) + 1)..]} by {who} -> {(admit ? "admit" : "deny")}",
                verifier,
                image,
                policy,
                admit,
                entry.GetProperty("resolvedDigest").ValueKind == JsonValueKind.String ? entry.GetProperty("resolvedDigest").GetString() : null));
        }

        return verdicts;
    }

    private sealed record Verdict(string Id, string Verifier, string Image, JsonElement Policy, bool Admit, string? ResolvedDigest);
}
