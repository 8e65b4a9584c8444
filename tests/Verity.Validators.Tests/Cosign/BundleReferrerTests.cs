using System.Security.Cryptography.X509Certificates;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Registry;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Sigstore bundles stored only as OCI 1.1 referrers (no <c>.sig</c> tag): the test bed's real DSSE attestation
/// bundle of <c>signed</c>, served by a fake registry with and without the referrers API, next to the exact manifest
/// bytes of <c>signed</c> (so the digest is the one the bundle is about).
/// </summary>
[Trait("Category", "Integration")]
public sealed class BundleReferrerTests : IAsyncDisposable
{
    private const string Repo = "test/app";

    private static readonly CosignRuleOptions Provenance = new() { TrustRoot = "testbed", PredicateTypes = ["https://slsa.dev/provenance/v1"] };

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);

    private static Testbed Bed => Testbed.Current;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Digest Signed => Digest.Parse(Bed["TESTBED_DIGEST_SIGNED"]);

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        _pki.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AttestationBundleReferrer_TestbedIdentity_Trusted(bool referrersApi)
    {
        await using var registry = await StartAsync(referrersApi);
        CosignPush.Referrer(registry, Repo, Signed, await File.ReadAllBytesAsync(Bed["TESTBED_ATTESTATION_BUNDLE"], Ct));
        _host.ResetCount();

        var outcome = await Validator().ValidateAsync(Ref(registry, "signed"), Provenance, Ct);

        Assert.Equal(Signed.ToString(), Outcome.Trusted(outcome));
        Assert.Contains(referrersApi ? "referrers 200" : "referrers 404", _host.Requests);
    }

    [Fact]
    public async Task AttestationAsSignature_ProvenanceReferrerWithoutPredicateTypesOption_Denied()
    {
        // The test bed's real attestation is SLSA provenance by the trusted identity: it says how the image was built,
        // not that the identity signs it, so by default it does not count (hardening finding 2).
        await using var registry = await StartAsync(referrersApi: true);
        CosignPush.Referrer(registry, Repo, Signed, await File.ReadAllBytesAsync(Bed["TESTBED_ATTESTATION_BUNDLE"], Ct));

        var outcome = await Validator().ValidateAsync(Ref(registry, "signed"), new CosignRuleOptions { TrustRoot = "testbed" }, Ct);

        Assert.Equal(
            "no signature by trust root \"testbed\": bundle 1: the attestation's predicate type \"https://slsa.dev/provenance/v1\" is not accepted as a signature (only \"https://sigstore.dev/cosign/sign/v1\"; with.predicateTypes accepts more)",
            Outcome.Denied(outcome));
    }

    [Fact]
    public async Task AttestationBundleReferrer_OtherIdentity_DeniedNamingTheTrustRoot()
    {
        await using var registry = await StartAsync(referrersApi: true);
        CosignPush.Referrer(registry, Repo, Signed, await File.ReadAllBytesAsync(Bed["TESTBED_ATTESTATION_BUNDLE"], Ct));
        var mallory = new KeylessTrustRoot("mallory", new KeylessIdentity { Issuer = Bed["TESTBED_KEYLESS_ISSUER"], Subject = Bed["TESTBED_KEYLESS_OTHER_SAN"] });

        var outcome = await Validator(mallory).ValidateAsync(Ref(registry, "signed"), Provenance with { TrustRoot = "mallory" }, Ct);

        Assert.StartsWith("no signature by trust root \"mallory\": bundle 1: the certificate identity", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttestationCopiedToAnotherImage_ReferrerWithThatSubject_Denied()
    {
        await using var registry = await StartAsync(referrersApi: true);
        var other = Digest.Parse(registry.PutImage(Repo, "another image", "other"));
        CosignPush.Referrer(registry, Repo, other, await File.ReadAllBytesAsync(Bed["TESTBED_ATTESTATION_BUNDLE"], Ct));

        var outcome = await Validator().ValidateAsync(Ref(registry, "other"), Provenance, Ct);

        Assert.Equal(
            $"no signature by trust root \"testbed\": bundle 1: the attestation's subjects do not include this image ({other})",
            Outcome.Denied(outcome));
    }

    private async Task<FakeRegistry> StartAsync(bool referrersApi)
    {
        var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate, ReferrersApi = referrersApi });
        var testbed = _host.Registries.Create(new RegistryClientSettings
        {
            Name = "testbed",
            CaCertificates = new X509Certificate2Collection(X509CertificateLoader.LoadCertificateFromFile(Bed["TESTBED_CA_CERT"])),
        });
        var manifest = await testbed.GetManifestAsync(ImageReference.Parse(Bed["TESTBED_IMAGE"] + ":signed"), RegistryLimits.ManifestBytes, Ct);
        Assert.Equal(Signed.ToString(), registry.PutManifest(Repo, manifest.Content.ToArray(), manifest.MediaType, "signed"));
        return registry;
    }

    private static ImageReference Ref(FakeRegistry registry, string tag) => ImageReference.Parse($"{registry.Registry}/{Repo}:{tag}");

    private CosignValidator Validator(TrustRoot? root = null)
    {
        root ??= new KeylessTrustRoot("testbed", new KeylessIdentity { Issuer = Bed["TESTBED_KEYLESS_ISSUER"], Subject = Bed["TESTBED_KEYLESS_SAN"] });
        return _host.Validator(
            CosignTestHost.Definition(_pki.CaCertificate, root),
            TrustedMaterial.Parse(File.ReadAllBytes(Bed["TESTBED_SIGSTORE_TRUSTED_ROOT"])));
    }
}
