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
/// Image indexes: by default the signed digest must be the digest the reference resolves to (the index);
/// <c>acceptSignedPlatforms</c> trusts an unsigned index whose every platform manifest is signed, and still pins the index.
/// </summary>
public sealed class MultiPlatformTests : IAsyncLifetime
{
    private const string Repo = "acme/multi";

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);
    private readonly ECDsa _alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private FakeRegistry _registry = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CosignRuleOptions Rule(bool acceptSignedPlatforms) =>
        new() { TrustRoot = "alice", VerifyInTransparencyLog = false, AcceptSignedPlatforms = acceptSignedPlatforms };

    public async ValueTask InitializeAsync()
    {
        _registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _host.Dispose();
        _alice.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task UnsignedIndexOfSignedPlatforms_ByDefault_DeniedForTheIndexDigest()
    {
        var index = PushIndex(signAmd64: true, signArm64: true);

        var outcome = await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: false), Ct);

        Assert.Equal($"no signatures found for {_registry.Registry}/{Repo}@{index} (trust root \"alice\")", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task UnsignedIndexOfSignedPlatforms_AcceptSignedPlatforms_TrustedAndPinnedToTheIndex()
    {
        var index = PushIndex(signAmd64: true, signArm64: true);

        var outcome = await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct);

        Assert.Equal(index.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task OneUnsignedPlatform_AcceptSignedPlatforms_DeniedNamingThePlatform()
    {
        var index = PushIndex(signAmd64: true, signArm64: false);

        var outcome = await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct);

        Assert.StartsWith(
            $"no signatures found for {_registry.Registry}/{Repo}@{index} (trust root \"alice\"), and its platform manifest linux/arm64 is not trusted either: no signatures found for",
            Outcome.Denied(outcome),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsignedAttestationManifest_AcceptSignedPlatforms_SkippedAsNotAnImage()
    {
        var amd64 = SignedImage("amd64", sign: true);
        var attestation = SignedImage("attestation", sign: false);
        var index = Digest.Parse(CosignPush.Index(_registry, Repo, "1.0", ("linux/amd64", amd64.ToString(), null), ("unknown/unknown", attestation.ToString(), "attestation-manifest")));

        var outcome = await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct);

        Assert.Equal(index.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task Validate_AttestationManifestNamingRealPlatform_IsNotSkipped()
    {
        // The annotation is the registry's word: an unsigned linux/amd64 image annotated as an attestation manifest must
        // still be checked, else it is admitted through a signed arm64 sibling.
        var arm64 = SignedImage("arm64", sign: true);
        var amd64 = SignedImage("amd64", sign: false);
        Digest.Parse(CosignPush.Index(_registry, Repo, "1.0", ("linux/arm64", arm64.ToString(), null), ("linux/amd64", amd64.ToString(), "attestation-manifest")));

        var outcome = await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct);

        Assert.Contains("and its platform manifest linux/amd64 is not trusted either", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlatformManifestByItsOwnDigest_SignedItself_Trusted()
    {
        PushIndex(signAmd64: true, signArm64: true);
        var amd64 = SignedImage("amd64", sign: true);

        var outcome = await Validator().ValidateAsync(ImageReference.Parse($"{_registry.Registry}/{Repo}@{amd64}"), Rule(acceptSignedPlatforms: false), Ct);

        Assert.Equal(amd64.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task TooManyPlatforms_AcceptSignedPlatforms_DeniedWithoutCheckingThemAll()
    {
        var amd64 = SignedImage("amd64", sign: true);
        var arm64 = SignedImage("arm64", sign: true);
        var ppc = SignedImage("ppc64le", sign: true);
        CosignPush.Index(_registry, Repo, "1.0", ("linux/amd64", amd64.ToString(), null), ("linux/arm64", arm64.ToString(), null), ("linux/ppc64le", ppc.ToString(), null));

        var outcome = await Validator(new CosignLimits { MaxPlatforms = 2 }).ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct);

        Assert.EndsWith(", and the index lists 3 platform manifests, more than the limit of 2 that are checked one by one", Outcome.Denied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LyingRegistry_IndexOtherThanItsDigest_FailsClosed()
    {
        var index = PushIndex(signAmd64: false, signArm64: false);
        var signed = SignedImage("signed elsewhere", sign: true);
        var forgedBytes = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{CosignPush.OciIndex}}}","manifests":[{"mediaType":"{{{CosignPush.OciManifest}}}","digest":"{{{signed}}}","size":400,"platform":{"os":"linux","architecture":"amd64"}}]}""");
        var forged = FakeRegistry.DigestOf(forgedBytes);

        // The tag still resolves to the unsigned index; fetched by that digest, the registry sends the forged one.
        _registry.ServeManifest(Repo, index.ToString(), forgedBytes, CosignPush.OciIndex, index.ToString());

        var e = await Assert.ThrowsAsync<ValidationException>(
            async () => await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct));

        Assert.Contains("sent content whose digest is " + forged, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedIndex_AcceptSignedPlatforms_PlatformsNotLookedAt()
    {
        var index = PushIndex(signAmd64: false, signArm64: false);
        CosignPush.Signatures(_registry, Repo, index, CosignPush.KeyLayer(_alice, index));
        _host.ResetCount();

        var outcome = await Validator().ValidateAsync(Ref(), Rule(acceptSignedPlatforms: true), Ct);

        Assert.Equal(index.ToString(), Outcome.Trusted(outcome));
        Assert.Equal(6, _host.RequestCount);
    }

    private Digest PushIndex(bool signAmd64, bool signArm64)
    {
        var amd64 = SignedImage("amd64", signAmd64);
        var arm64 = SignedImage("arm64", signArm64);
        return Digest.Parse(CosignPush.Index(_registry, Repo, "1.0", ("linux/amd64", amd64.ToString(), null), ("linux/arm64", arm64.ToString(), null)));
    }

    private Digest SignedImage(string content, bool sign)
    {
        var image = Digest.Parse(_registry.PutImage(Repo, content));
        if (sign)
        {
            CosignPush.Signatures(_registry, Repo, image, CosignPush.KeyLayer(_alice, image));
        }

        return image;
    }

    private ImageReference Ref() => ImageReference.Parse($"{_registry.Registry}/{Repo}:1.0");

    private CosignValidator Validator(CosignLimits? limits = null)
    {
        var alice = new PublicKeyTrustRoot("alice", VerificationKey.FromAsymmetricAlgorithm(_alice));
        return _host.Validator(CosignTestHost.Definition(_pki.CaCertificate, alice), new([], [], [], []), limits: limits);
    }
}
