using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Validators.Notation;
using Verity.Validators.Notation.Verification;
using Verity.Validators.Tests.Cosign;

namespace Verity.Validators.Tests.Notation;

/// <summary>
/// Connaisseur's notation fixtures: its validator files (which load, which are errors, with their paths) and the
/// real JWS envelope notation-go 1.3.0 made for <c>sse-secure-systems/testimage:notation-sign</c>, served by a fixture
/// registry with and without the referrers API.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConnaisseurNotationTests : IAsyncDisposable
{
    private const string Repo = "sse-secure-systems/testimage";
    private const string Signed = "sha256:a136cc4e785798e5e8483047cf621cf0a0300a93d47703a3f066c340c070f5cf";
    private const string Unsigned = "sha256:c51f6b33b43f9f234af90bf310d976ea1bec487ab00ab61bd684b0efbbc15b53";

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        _pki.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("01_notation.yaml")]
    [InlineData("07_selfsigned_cert.yaml")]
    [InlineData("08_tsa_cert.yaml")]
    public void ValidatorFile_Loads(string file)
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");

        var definition = Definition(file);

        Assert.Contains(definition.TrustRoots, r => r.Name == "default");
        Assert.IsType<CertificateTrustRoot>(definition.TrustRoots[0]);
        Assert.Equal(file == "08_tsa_cert.yaml", ((CertificateTrustRoot)definition.TrustRoots[0]).TimestampRoots is { Count: > 0 });
    }

    [Theory]
    [InlineData("02_no_trust_root.yaml", "validators[0].trustRoots", "no trust roots provided for validator ghcr-notation")]
    [InlineData("04_invalid_cert.yaml", "validators[0].trustRoots[0].cert", "")]
    [InlineData("05_missing_cert.yaml", "validators[0].trustRoots[0]", "")]
    [InlineData("06_decode_cert_err.yaml", "validators[0].trustRoots[0].cert", "")]
    [InlineData("09_decode_tsa_cert_err.yaml", "validators[0].trustRoots[0].tsCert", "")]
    public void ValidatorFile_IsALoadErrorWithItsPath(string file, string path, string message)
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");

        var e = Assert.Throws<ConfigurationException>(() => Definition(file));

        Assert.Contains(e.Errors, x => x.Path.StartsWith(path, StringComparison.Ordinal) && x.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ValidatorFile_NotYaml_IsALoadError()
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");

        Assert.Throws<ConfigurationException>(() => Definition("03_unmarshal_err.yaml"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NotationSignedImage_DefaultRoot_TrustedWithTheSignedDigest(bool referrersApi)
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");
        await using var registry = await FixtureRegistry.StartAsync(SharedFixtures.Connaisseur("notation"), _pki.ServerCertificate, referrersApi);

        var outcome = await Validator().ValidateAsync(Ref(registry, "notation-sign"), new NotationRuleOptions(), Ct);

        Assert.Equal(Signed, Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task NotationSignedImage_DifferentCertRoot_DeniedNamingTheTrustRoot()
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");
        await using var registry = await FixtureRegistry.StartAsync(SharedFixtures.Connaisseur("notation"), _pki.ServerCertificate);

        var outcome = await Validator().ValidateAsync(Ref(registry, "notation-sign"), new NotationRuleOptions { TrustRoot = "different-cert" }, Ct);

        Assert.Equal("no signature by trust root \"different-cert\": certificate chain does not lead to trust root \"different-cert\"", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task NotationSignedImage_WrongRootUnderAudit_Admitted()
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");
        await using var registry = await FixtureRegistry.StartAsync(SharedFixtures.Connaisseur("notation"), _pki.ServerCertificate);

        var outcome = await Validator().ValidateAsync(
            Ref(registry, "notation-sign"), new NotationRuleOptions { TrustRoot = "different-cert", VerificationLevel = NotationVerificationLevel.Audit }, Ct);

        Assert.Equal(Signed, Outcome.Trusted(outcome));
        Assert.Contains("would be denied", ((Verity.Core.Validation.ValidationOutcome.Trusted)outcome).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsignedImage_DeniedNamingTheImage()
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");
        await using var registry = await FixtureRegistry.StartAsync(SharedFixtures.Connaisseur("notation"), _pki.ServerCertificate);

        var outcome = await Validator().ValidateAsync(Ref(registry, "notation-unsign"), new NotationRuleOptions(), Ct);

        Assert.Equal($"no notation signatures found for {registry.Registry}/{Repo}@{Unsigned} (trust root \"default\")", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task UnsignedImage_Skip_TrustedWithoutLooking()
    {
        Assert.SkipUnless(SharedFixtures.Available, "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES");
        await using var registry = await FixtureRegistry.StartAsync(SharedFixtures.Connaisseur("notation"), _pki.ServerCertificate);

        var outcome = await Validator().ValidateAsync(Ref(registry, "notation-unsign"), new NotationRuleOptions { VerificationLevel = NotationVerificationLevel.Skip }, Ct);

        Assert.Equal(Unsigned, Outcome.Trusted(outcome));
    }

    private static ImageReference Ref(FixtureRegistry registry, string tag) => ImageReference.Parse($"{registry.Registry}/{Repo}:{tag}");

    private NotationValidator Validator()
    {
        var definition = Definition("01_notation.yaml") with { CaCertificates = new X509Certificate2Collection(_pki.CaCertificate) };
        var registry = _host.Registries.Create(new Verity.Registry.RegistryClientSettings { Name = definition.Name, CaCertificates = definition.CaCertificates });
        return new NotationValidator(definition, registry, TimeProvider.System);
    }

    /// <summary>Connaisseur's validator file as Verity loads it.</summary>
    private static NotationValidatorDefinition Definition(string file)
    {
        var lines = File.ReadAllLines(SharedFixtures.Connaisseur("notation", file));
        var yaml = "validators:\n" + string.Join('\n', lines.Select((l, i) => (i == 0 ? "  - " : "    ") + l)) + "\npolicy:\n  - pattern: \"*:*\"\n    validator: ghcr-notation\n";
        return Assert.IsType<NotationValidatorDefinition>(TestConfig.Loader.Parse(yaml, file).Validators.Single());
    }
}
