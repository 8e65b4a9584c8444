using System.Security.Cryptography.X509Certificates;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Testing.Notation;
using Verity.Testing.Registry;
using Verity.Validators.Notation;
using Verity.Validators.Notation.Discovery;
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Discovery_SignatureManifestsBeyondTheByteBudget_IsDenied(bool referrersApi)
    {
        // The budget covers every byte fetched for the image, the signature manifests as well as the envelopes: a
        // registry must not make Verity download MaxSignatures x 4 MiB by padding manifests.
        await using var registry = await StartAsync(referrersApi);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        NotationPush.Signature(registry, Repo, image.Digest, Sign(_acme, image, "application/jose+json"), padding: 48 * 1024);
        NotationPush.Signature(registry, Repo, image.Digest, Sign(_beta, image, "application/jose+json"), padding: 48 * 1024);

        var outcome = await Validator(new NotationLimits { MaxTotalBytes = 64 * 1024 }).ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "acme" }, Ct);

        Assert.Equal("the notation signatures of the image are more than 65536 bytes together", Outcome.Denied(outcome));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Discovery_MoreSignaturesThanTheLimit_IsDenied(bool referrersApi)
    {
        await using var registry = await StartAsync(referrersApi);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        for (var i = 0; i < 3; i++)
        {
            NotationPush.Signature(registry, Repo, image.Digest, Sign(_acme, image, "application/jose+json"));
        }

        var outcome = await Validator(new NotationLimits { MaxSignatures = 2 }).ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "acme" }, Ct);

        Assert.Equal("the image has 3 notation signatures, more than the limit of 2", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task Threshold_OneSignatureUnderTwoOverlappingTrustRoots_IsDenied()
    {
        // "acme" holds the root, "acme-intermediate" the intermediate that issued the leaf: one signature by one key
        // lies under both, and must count as one signer.
        using var intermediate = _acme.Intermediate();
        await using var registry = await StartAsync(referrersApi: true);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        using var leaf = intermediate.Leaf();
        NotationPush.Signature(registry, Repo, image.Digest, NotationSigner.Jws(NotationSigner.Payload(image.MediaType, image.Digest, image.Size), leaf, [leaf, .. intermediate.Chain]));
        var validator = Validator(extraRoots: [new CertificateTrustRoot("acme-intermediate", new X509Certificate2Collection(intermediate.Root), null)]);

        var outcome = await validator.ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "*", Threshold = 2 }, Ct);

        Assert.StartsWith("validation threshold not reached (1/2)", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Threshold_TwoSignaturesUnderOverlappingTrustRoots_CountTwice()
    {
        using var intermediate = _acme.Intermediate();
        await using var registry = await StartAsync(referrersApi: true);
        var image = NotationPush.Image(registry, Repo, "v1", "layer one");
        var payload = NotationSigner.Payload(image.MediaType, image.Digest, image.Size);
        using var first = intermediate.Leaf(new NotationLeafOptions { Name = "first" });
        using var second = intermediate.Leaf(new NotationLeafOptions { Name = "second" });
        NotationPush.Signature(registry, Repo, image.Digest, NotationSigner.Jws(payload, first, [first, .. intermediate.Chain]));
        NotationPush.Signature(registry, Repo, image.Digest, NotationSigner.Cose(payload, second, [second, .. intermediate.Chain]), "application/cose");
        var validator = Validator(extraRoots: [new CertificateTrustRoot("acme-intermediate", new X509Certificate2Collection(intermediate.Root), null)]);

        var outcome = await validator.ValidateAsync(Ref(registry, "v1"), new NotationRuleOptions { TrustRoot = "*", Threshold = 2 }, Ct);

        Assert.Equal(image.Digest, Outcome.Trusted(outcome));
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

    private NotationValidator Validator(NotationLimits? limits = null, IReadOnlyList<TrustRoot>? extraRoots = null)
    {
        var definition = new NotationValidatorDefinition
        {
            Name = "notation-under-test",
            TrustRoots =
            [
                new CertificateTrustRoot("acme", new X509Certificate2Collection(_acme.Root), null),
                new CertificateTrustRoot("beta", new X509Certificate2Collection(_beta.Root), null),
                .. extraRoots ?? [],
            ],
            CaCertificates = new X509Certificate2Collection(_pki.CaCertificate),
        };
        var registry = _host.Registries.Create(new Verity.Registry.RegistryClientSettings { Name = definition.Name, CaCertificates = definition.CaCertificates });
        return new NotationValidator(definition, registry, TimeProvider.System, limits: limits);
    }
}
