using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Validators.Cosign;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Connaisseur's cosign test data (signatures made by the real cosign CLI), served read-only by
/// <see cref="FixtureRegistry"/> and checked by the validator built from Connaisseur's own validator files
/// (<c>01_cosign.yaml</c>, <c>11_keyless.yaml</c>), with the expectations of Connaisseur's validator tests.
/// </summary>
public sealed class ConnaisseurRegistryTests : IAsyncLifetime
{
    private const string Repo = "securesystemsengineering/testimage";

    // When the keyless fixture was signed, its Fulcio certificate had expired long ago.
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);
    private FixtureRegistry _registry = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _registry = await FixtureRegistry.StartAsync(SharedFixtures.Connaisseur("cosign"), _pki.ServerCertificate, referrersApi: false);
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _host.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task MultiCosignedAlice_AliceWithoutTlog_TrustedWithTheSignedDigest()
    {
        var outcome = await Validator("01_cosign.yaml").ValidateAsync(Ref("multi-cosigned-alice"), new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false }, Ct);

        Assert.Equal("sha256:071bf7a986f1ca9cb2a1f0bc8392822a7777f90d58f2d2c6f271913e08de7c81", Outcome.Trusted(outcome));
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, "validation threshold not reached (2/3)")]
    public async Task MultiCosignedAliceBobCharlie_ThresholdOverAliceAndBob(int threshold, string? denial)
    {
        var outcome = await Validator("01_cosign.yaml").ValidateAsync(
            Ref("multi-cosigned-alice-bob-charlie"), new CosignRuleOptions { TrustRoot = "*", Threshold = threshold, VerifyInTransparencyLog = false }, Ct);

        if (denial is null)
        {
            Assert.Equal("sha256:bfec161fecb0a887df7cb85e4da327c65986ccda7060cf3cd92171c6c90d7533", Outcome.Trusted(outcome));
        }
        else
        {
            Assert.Equal(denial, Outcome.Denied(outcome));
        }
    }

    [Fact]
    public async Task MultiCosignedAliceBobCharlie_Threshold3WithCharlie_Trusted()
    {
        var definition = Definition("01_cosign.yaml");
        var charlie = new PublicKeyTrustRoot("charlie", VerificationKey.Parse(File.ReadAllText(SharedFixtures.Connaisseur("cosign", "charlie.key"))));
        var validator = _host.Validator(definition with { TrustRoots = definition.TrustRoots.Add(charlie) });

        var outcome = await validator.ValidateAsync(Ref("multi-cosigned-alice-bob-charlie"), new CosignRuleOptions { TrustRoot = "*", Threshold = 3, VerifyInTransparencyLog = false }, Ct);

        Outcome.Trusted(outcome);
    }

    [Fact]
    public async Task MultiCosignedAlice_RequiredBob_DeniedNamingBob()
    {
        var outcome = await Validator("01_cosign.yaml").ValidateAsync(
            Ref("multi-cosigned-alice"), new CosignRuleOptions { TrustRoot = "*", Required = ["bob"], VerifyInTransparencyLog = false }, Ct);

        Assert.Equal("0 of 1 required signatures found (missing: bob)", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task CoUnsigned_Denied()
    {
        var outcome = await Validator("01_cosign.yaml").ValidateAsync(Ref("co-unsigned"), new CosignRuleOptions { TrustRoot = "*", VerifyInTransparencyLog = false }, Ct);

        Assert.Matches($"^no signatures found for {_registry.Registry}/{Repo}@sha256:[0-9a-f]{{64}} \\(trust roots \"alice\", \"bob\"\\)$", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Keyless_PhilippWithTheHostRootsOf11Keyless_TrustedWithTlogAndSct()
    {
        var definition = Definition("11_keyless.yaml") with { TrustRoots = [Philipp] };

        var outcome = await _host.Validator(definition, time: new FakeTimeProvider(Now)).ValidateAsync(Ref("keyless"), new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Ct);

        Assert.Equal("sha256:31dc72a13a0c34b40eb95419d2b2fd67320c856baf3b72da518023ee8d370aee", Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task Keyless_BobKeylessOf11Keyless_DeniedForTheIdentity()
    {
        var outcome = await Validator("11_keyless.yaml", new FakeTimeProvider(Now)).ValidateAsync(Ref("keyless"), new CosignRuleOptions { TrustRoot = "bob-keyless" }, Ct);

        Assert.Contains(
            "philipp.belitz@securesystems.de (issuer https://github.com/login/oauth) does not match trust root \"bob-keyless\"",
            Outcome.Denied(outcome),
            StringComparison.Ordinal);
    }

    /// <summary>
    /// 11_keyless.yaml's <c>issuerRegex: github</c>, <c>subjectRegex: philipp</c> match in Connaisseur, which leaves
    /// regexes unanchored; Verity anchors them (ADR 0005), so the whole issuer and subject must match.
    /// </summary>
    [Fact]
    public async Task Keyless_UnanchoredRegexesOf11Keyless_DeniedBecauseVerityAnchorsThem()
    {
        var outcome = await Validator("11_keyless.yaml", new FakeTimeProvider(Now)).ValidateAsync(Ref("keyless"), new CosignRuleOptions { TrustRoot = "philipp-keyless" }, Ct);

        Assert.Contains("does not match trust root \"philipp-keyless\" (issuer ~^(?:github)\\z, subject ~^(?:philipp)\\z)", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FixtureRegistry_ServesManifestsWithTheirOwnDigestAndMediaType()
    {
        var outcome = await Validator("01_cosign.yaml").ValidateAsync(
            ImageReference.Parse($"{_registry.Registry}/{Repo}@sha256:071bf7a986f1ca9cb2a1f0bc8392822a7777f90d58f2d2c6f271913e08de7c81"),
            new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false },
            Ct);

        Outcome.Trusted(outcome);
        Assert.Contains(_registry.Requests, r => r.Path.EndsWith(".sig", StringComparison.Ordinal));
    }

    private static KeylessTrustRoot Philipp => new("philipp-keyless", new KeylessIdentity
    {
        Issuer = "https://github.com/login/oauth",
        Subject = "philipp.belitz@securesystems.de",
    });

    private ImageReference Ref(string tag) => ImageReference.Parse($"{_registry.Registry}/{Repo}:{tag}");

    private CosignValidator Validator(string file, TimeProvider? time = null) => _host.Validator(Definition(file), time: time);

    /// <summary>Connaisseur's validator file as Verity loads it, trusting the fixture registry's test CA.</summary>
    private CosignValidatorDefinition Definition(string file)
    {
        var lines = File.ReadAllLines(SharedFixtures.Connaisseur("cosign", file));
        var yaml = "validators:\n" + string.Join('\n', lines.Select((l, i) => (i == 0 ? "  - " : "    ") + l)) + "\npolicy:\n  - pattern: \"*:*\"\n    with:\n      trustRoot: \"*\"\n";
        var definition = Assert.IsType<CosignValidatorDefinition>(TestConfig.Loader.Parse(yaml, file).Validators.Single());
        return definition with { CaCertificates = new X509Certificate2Collection(_pki.CaCertificate) };
    }
}
