using System.Security.Cryptography.X509Certificates;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Testing.Notation;
using Verity.Testing.Registry;
using Verity.Validators.Notation;
using Verity.Validators.Tests.Cosign;

namespace Verity.Validators.Tests.Notation;

/// <summary>
/// <see cref="NotationValidator"/> against a fake registry serving images and signatures made at test time: discovery
/// through the referrers API and the tag schema, thresholds over distinct signers, and the registry-level attacks.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotationValidatorAttackTests : IAsyncDisposable
{
    private const string Repo = "acme/app";

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);
    private readonly NotationTestCa _acme = NotationTestCa.Create("Acme");
    private readonly NotationTestCa _beta = NotationTestCa.Create("Beta");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        _pki.Dispose();
        _acme.Dispose();
        _beta.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(true, "application/jose+json")]
    [InlineData(false, "application/jose+json")]
    [InlineData(true, "application/cose")]
    [InlineData(false, "application/cose")]
    public async Task SignedImage_Trusted(bool referrersApi, string envelopeType)
    {
        await using var registry = await StartAsync(referrersApi);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        NotationPush.Signature(registry, Repo, image.Digest, Sign(_acme, image, envelopeType), envelopeType);

        var outcome = await Validator().ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "acme" }, Ct);

        Assert.Equal(image.Digest, Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task EnvelopeMovedToAnotherManifest_Denied()
    {
        await using var registry = await StartAsync(referrersApi: true);
        var signed = NotationPush.Image(registry, Repo, "v1", "layer one");
        var other = NotationPush.Image(registry, Repo, "v2", "layer two");
        NotationPush.Signature(registry, Repo, other.Digest, Sign(_acme, signed, "application/jose+json"));

        var outcome = await Validator().ValidateAsync(Ref(registry, "v2"), new NotationRuleOptions { TrustRoot = "acme" }, Ct);

        Assert.Equal($"no valid notation signature for {registry.Registry}/{Repo}@{other.Digest}: signature covers {signed.Digest} not {other.Digest}", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task SignatureArtifactWhoseSubjectIsAnotherImage_ListedUnderThisImage_Denied()
    {
        await using var registry = await StartAsync(referrersApi: false);
        var victim = NotationPush.Image(registry, Repo, "v1", "layer one");
        var other = NotationPush.Image(registry, Repo, "v2", "layer two");
        NotationPush.Signature(registry, Repo, other.Digest, Sign(_acme, other, "application/jose+json"), listedUnder: victim.Digest);

        var outcome = await Validator().ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "acme" }, Ct);

        Assert.StartsWith($"no notation signatures found for {registry.Registry}/{Repo}@{victim.Digest} (trust root \"acme\"); signature artifact", Outcome.Denied(outcome), StringComparison.Ordinal);
        Assert.Contains($"has subject {other.Digest}, not {victim.Digest}", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedByAnotherCa_DeniedNamingTheTrustRoot()
    {
        await using var registry = await StartAsync(referrersApi: true);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        NotationPush.Signature(registry, Repo, image.Digest, Sign(_beta, image, "application/jose+json"));

        var outcome = await Validator().ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "acme" }, Ct);

        Assert.Equal("no signature by trust root \"acme\": certificate chain does not lead to trust root \"acme\"", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Threshold_CountsDistinctSigners()
    {
        await using var registry = await StartAsync(referrersApi: true);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        NotationPush.Signature(registry, Repo, image.Digest, Sign(_acme, image, "application/jose+json"));
        var validator = Validator();

        var one = await validator.ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "*", Threshold = 2 }, Ct);
        NotationPush.Signature(registry, Repo, image.Digest, Sign(_beta, image, "application/cose"), "application/cose");
        var two = await validator.ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "*", Threshold = 2 }, Ct);

        Assert.StartsWith("validation threshold not reached (1/2)", Outcome.Denied(one), StringComparison.Ordinal);
        Assert.Equal(image.Digest, Outcome.Trusted(two));
    }

    private static byte[] Sign(NotationTestCa ca, (string MediaType, string Digest, long Size) image, string envelopeType)
    {
        using var leaf = ca.Leaf();
        var payload = NotationSigner.Payload(image.MediaType, image.Digest, image.Size);
        return envelopeType == "application/cose"
            ? NotationSigner.Cose(payload, leaf, [leaf, ca.Root])
            : NotationSigner.Jws(payload, leaf, [leaf, ca.Root]);
    }

    private Task<FakeRegistry> StartAsync(bool referrersApi) =>
        FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate, ReferrersApi = referrersApi });

    private static ImageReference Ref(FakeRegistry registry, string tag) => ImageReference.Parse($"{registry.Registry}/{Repo}:{tag}");

    private NotationValidator Validator()
    {
        var definition = new NotationValidatorDefinition
        {
            Name = "notation-under-test",
            TrustRoots =
            [
                new CertificateTrustRoot("acme", new X509Certificate2Collection(_acme.Root), null),
                new CertificateTrustRoot("beta", new X509Certificate2Collection(_beta.Root), null),
            ],
            CaCertificates = new X509Certificate2Collection(_pki.CaCertificate),
        };
        var registry = _host.Registries.Create(new Verity.Registry.RegistryClientSettings { Name = definition.Name, CaCertificates = definition.CaCertificates });
        return new NotationValidator(definition, registry, TimeProvider.System);
    }
}
