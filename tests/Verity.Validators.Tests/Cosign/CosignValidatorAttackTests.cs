using Verity.Validators.Cosign.Evidence;
using System.Security.Cryptography;
using System.Text;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Validators.Cosign;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Attacks on the registry side of the cosign validator, end to end through the real registry client against a
/// fake registry: lying registries, signature floods, signatures moved between images, wrong keys.
/// </summary>
public sealed class CosignValidatorAttackTests : IAsyncLifetime
{
    private const string Repo = "acme/app";

    private static readonly CosignRuleOptions Alice = new() { TrustRoot = "alice", VerifyInTransparencyLog = false };

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);
    private readonly ECDsa _alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _bob = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private FakeRegistry _registry = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _host.Dispose();
        _alice.Dispose();
        _bob.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task Baseline_SignedByAlice_TrustedAndPinnedToTheSignedDigest()
    {
        var image = Push("signed", _alice);

        var outcome = await Validator().ValidateAsync(Ref("signed"), Alice, Ct);

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task WrongKey_SignedByBob_DeniedNamingAlice()
    {
        Push("bobs", _bob);

        var outcome = await Validator().ValidateAsync(Ref("bobs"), Alice, Ct);

        Assert.Equal(
            "no signature by trust root \"alice\": signature layer 1: the signature does not verify with the key of trust root \"alice\"",
            Outcome.Denied(outcome));
    }

    [Fact]
    public async Task SignatureCopiedFromAnotherImage_SigManifestReusedVerbatim_Denied()
    {
        var signed = Digest.Parse(_registry.PutImage(Repo, "signed", "signed"));
        var signatures = CosignPush.SignatureManifest(_registry, Repo, CosignPush.KeyLayer(_alice, signed));
        _registry.PutManifest(Repo, signatures, CosignPush.OciManifest, CosignPush.SignatureTag(signed));
        var other = Digest.Parse(_registry.PutImage(Repo, "other layer", "other"));
        _registry.PutManifest(Repo, signatures, CosignPush.OciManifest, CosignPush.SignatureTag(other));

        var outcome = await Validator().ValidateAsync(Ref("other"), Alice, Ct);

        Assert.Equal(
            $"no signature by trust root \"alice\": signature layer 1: the signature is for {signed}, not for this image ({other})",
            Outcome.Denied(outcome));
    }

    [Fact]
    public async Task PayloadForAnotherDigest_ValidAliceSignatureUnderThisImage_Denied()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        var elsewhere = TestSigstore.RandomImage();
        CosignPush.Signatures(_registry, Repo, image, CosignPush.KeyLayer(_alice, elsewhere));

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Contains($"the signature is for {elsewhere}, not for this image ({image})", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LyingRegistry_PayloadBlobOtherThanItsDigest_FailsClosedNamingTheRegistry()
    {
        var image = Push("signed", _alice);
        var payload = CosignPush.KeyLayer(_alice, image).Payload;
        _registry.ServeBlob(Repo, FakeRegistry.DigestOf(payload.Span), Encoding.UTF8.GetBytes("{\"forged\":true}"));

        var e = await Assert.ThrowsAsync<ValidationException>(async () => await Validator().ValidateAsync(Ref("signed"), Alice, Ct));

        Assert.StartsWith($"cannot read signatures from registry {_registry.Registry}: blob", e.Message, StringComparison.Ordinal);
        Assert.Contains("sent content whose digest is", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LyingRegistry_SignatureManifestOtherThanItsDigestHeader_FailsClosed()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "signed", "signed"));
        var real = CosignPush.SignatureManifest(_registry, Repo, CosignPush.KeyLayer(_alice, image));
        var forged = real.Replace("\"layers\"", "\"annotations\":{\"x\":\"y\"},\"layers\"", StringComparison.Ordinal);
        _registry.ServeManifest(Repo, CosignPush.SignatureTag(image), Encoding.UTF8.GetBytes(forged), CosignPush.OciManifest, FakeRegistry.DigestOf(Encoding.UTF8.GetBytes(real)));

        var e = await Assert.ThrowsAsync<ValidationException>(async () => await Validator().ValidateAsync(Ref("signed"), Alice, Ct));

        Assert.Contains("(Docker-Content-Digest) but the content's digest is", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LyingRegistry_ReferrerManifestOtherThanItsDigest_FailsClosed()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        var referrer = CosignPush.Referrer(_registry, Repo, image, Encoding.UTF8.GetBytes("{}"));
        _registry.ServeManifest(Repo, referrer, Encoding.UTF8.GetBytes("{\"schemaVersion\":2}"), CosignPush.OciManifest, referrer);

        var e = await Assert.ThrowsAsync<ValidationException>(async () => await Validator().ValidateAsync(Ref("app"), Alice, Ct));

        Assert.Contains($"manifest \"{_registry.Registry}/{Repo}@{referrer}\": registry {_registry.Registry} sent content whose digest is", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LyingRegistry_TagResolvedToTheSignedDigest_WorkloadPinnedToTheDigestThatWasVerified()
    {
        var signed = Push("signed", _alice);
        var unsigned = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}");
        _registry.ServeManifest(Repo, "latest", unsigned, CosignPush.OciManifest, signed.ToString());

        var outcome = await Validator().ValidateAsync(Ref("latest"), Alice, Ct);

        // The node will pull by this digest, so it gets the signed content or nothing.
        Assert.Equal(signed.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task Registry500_FailsClosedNamingTheRegistry()
    {
        Push("signed", _alice);
        _registry.AddFault(RegistryFaults.Status(500, int.MaxValue, pathContains: ".sig"));

        var e = await Assert.ThrowsAsync<ValidationException>(async () => await Validator().ValidateAsync(Ref("signed"), Alice, Ct));

        Assert.Contains($"from registry {_registry.Registry}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeySignatureCarryingACertificateForAnotherKey_IsRejected()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        using var mallory = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mallory", mallory, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var layer = CosignPush.KeyLayer(_alice, image);
        layer = layer with { Annotations = layer.Annotations.SetItem(CosignSignatureLayer.CertificateAnnotation, certificate.ExportCertificatePem()) };
        CosignPush.Signatures(_registry, Repo, image, layer);

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Contains("the signature carries a certificate for another key than trust root \"alice\"", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManySignatures_33Layers_DeniedWithoutFetchingAnyPayload()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        CosignPush.Signatures(_registry, Repo, image, [.. Enumerable.Range(0, 33).Select(_ => CosignPush.KeyLayer(_alice, image))]);
        _host.ResetCount();

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal("the image has 33 signatures, more than the limit of 32", Outcome.Denied(outcome));
        Assert.DoesNotContain(_host.Requests, r => r.StartsWith("blob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TooManySignatures_LayersAndBundleReferrersTogether_Denied()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        CosignPush.Signatures(_registry, Repo, image, [.. Enumerable.Range(0, 2).Select(_ => CosignPush.KeyLayer(_alice, image))]);
        CosignPush.Referrer(_registry, Repo, image, Encoding.UTF8.GetBytes("{}"));

        var outcome = await Validator(new CosignLimits { MaxSignatures = 2 }).ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal("the image has 3 signatures, more than the limit of 2", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task OversizedPayload_DeclaredOverTheLimit_DeniedWithoutDownloadingIt()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        var layer = CosignPush.KeyLayer(_alice, image);
        CosignPush.Signatures(_registry, Repo, image, layer with { Payload = new byte[70 * 1024] });
        _host.ResetCount();

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal($"signature layer 1 of {_registry.Registry}/{Repo}:{CosignPush.SignatureTag(image)} is 71680 bytes, more than the limit of 65536", Outcome.Denied(outcome));
        Assert.DoesNotContain(_host.Requests, r => r.StartsWith("blob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OversizedPayload_DeclaredSmallButServedLarge_DeniedAtTheLimit()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        var big = CosignPush.KeyLayer(_alice, image) with { Payload = new byte[70 * 1024] };
        var manifest = CosignPush.SignatureManifest(_registry, Repo, big).Replace("\"size\":71680", "\"size\":240", StringComparison.Ordinal);
        _registry.PutManifest(Repo, manifest, CosignPush.OciManifest, CosignPush.SignatureTag(image));

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Contains("is larger than the limit of 65536 bytes", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyLargeBundles_OverTheEvidenceBudget_Denied()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        CosignPush.Referrer(_registry, Repo, image, new byte[3000]);

        var outcome = await Validator(new CosignLimits { MaxEvidenceBytes = 2048 }).ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal("the signatures of the image are more than 2048 bytes together", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task EndlessData_SpreadOverReferrerManifests_CountsTowardTheEvidenceBudget()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        var empty = Encoding.UTF8.GetBytes("{}");
        var listing = new System.Text.Json.Nodes.JsonArray();
        for (int i = 0; i < 3; i++)
        {
            // Tiny bundles, each in a manifest padded to 1.5 KB with an annotation: the blobs alone stay far under the budget.
            var manifest = new System.Text.Json.Nodes.JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = CosignPush.OciManifest,
                ["artifactType"] = CosignPush.BundleType,
                ["config"] = CosignPush.Descriptor("application/vnd.oci.empty.v1+json", _registry.PutBlob(Repo, empty), empty.Length),
                ["layers"] = new System.Text.Json.Nodes.JsonArray(CosignPush.Descriptor(CosignPush.BundleType, _registry.PutBlob(Repo, empty), empty.Length)),
                ["subject"] = CosignPush.Descriptor(CosignPush.OciManifest, image.ToString(), 0),
                ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["padding"] = new string((char)('a' + i), 1500) },
            }.ToJsonString();
            var digest = _registry.PutManifest(Repo, manifest, CosignPush.OciManifest);
            listing.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["mediaType"] = CosignPush.OciManifest,
                ["digest"] = digest,
                ["size"] = Encoding.UTF8.GetByteCount(manifest),
                ["artifactType"] = CosignPush.BundleType,
            });
        }

        var index = new System.Text.Json.Nodes.JsonObject { ["schemaVersion"] = 2, ["mediaType"] = CosignPush.OciIndex, ["manifests"] = listing };
        _registry.PutManifest(Repo, index.ToJsonString(), CosignPush.OciIndex, $"sha256-{image.Hex}");

        var outcome = await Validator(new CosignLimits { MaxEvidenceBytes = 2048 }).ValidateAsync(Ref("app"), Alice, Ct);

        Assert.StartsWith("the signatures of the image are more than 2048 bytes together", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferrerOfAnotherImage_ListedUnderThisOne_Ignored()
    {
        var other = TestSigstore.RandomImage();
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        CosignPush.Referrer(_registry, Repo, other, Encoding.UTF8.GetBytes("{}"), listedUnder: image);

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal($"no signatures found for {_registry.Registry}/{Repo}@{image} (trust root \"alice\")", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task ReferrersOfOtherArtifactTypes_NotFetched()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app", "app"));
        CosignPush.Referrer(_registry, Repo, image, Encoding.UTF8.GetBytes("{\"spdxVersion\":\"SPDX-2.3\"}"), artifactType: "application/spdx+json");
        _host.ResetCount();

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.StartsWith("no signatures found for", Outcome.Denied(outcome), StringComparison.Ordinal);
        Assert.Equal(["manifest 200", "manifest 200", "manifest 404", "manifest 404", "referrers 404"], _host.Requests.Order(StringComparer.Ordinal));
    }

    private Digest Push(string tag, ECDsa key)
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "layer of " + tag, tag));
        CosignPush.Signatures(_registry, Repo, image, CosignPush.KeyLayer(key, image));
        return image;
    }

    private ImageReference Ref(string tag) => ImageReference.Parse($"{_registry.Registry}/{Repo}:{tag}");

    private CosignValidator Validator(CosignLimits? limits = null)
    {
        var alice = new PublicKeyTrustRoot("alice", VerificationKey.FromAsymmetricAlgorithm(_alice));
        return _host.Validator(CosignTestHost.Definition(_pki.CaCertificate, alice), NoSigstore(), limits: limits);
    }

    private static Verity.Validators.Cosign.TrustedRoot.TrustedMaterial NoSigstore() => new([], [], [], []);
}
