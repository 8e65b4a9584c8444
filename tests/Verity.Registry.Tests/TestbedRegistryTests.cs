using System.Text;
using Verity.Core.Configuration;
using Verity.Registry.Auth;
using Verity.Registry.Manifests;
using Verity.Registry.Referrers;
using static Verity.Registry.Tests.TestbedClients;

namespace Verity.Registry.Tests;

/// <summary>
/// The real registry of the test bed (distribution 2.8, Debian's docker-registry): anonymous over HTTPS with the bed's
/// CA, and basic auth over plain HTTP.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TestbedRegistryTests
{
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("signed", "TESTBED_DIGEST_SIGNED")]
    [InlineData("unsigned", "TESTBED_DIGEST_UNSIGNED")]
    [InlineData("multi", "TESTBED_DIGEST_MULTI")]
    [InlineData("docker", "TESTBED_DIGEST_DOCKER")]
    [InlineData("multi-docker", "TESTBED_DIGEST_MULTI_DOCKER")]
    public async Task Resolve_TestbedTags_GiveTheTestbedDigests(string tag, string digest)
    {
        using var host = new RegistryTestHost();

        var resolved = await host.Client(Settings()).ResolveAsync(Image("test/app:" + tag), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf(digest), resolved);
        Assert.Equal(1, host.RequestCount);
    }

    [Theory]
    [InlineData("signed", ManifestMediaTypes.OciManifest)]
    [InlineData("multi", ManifestMediaTypes.OciIndex)]
    [InlineData("docker", ManifestMediaTypes.DockerManifest)]
    [InlineData("multi-docker", ManifestMediaTypes.DockerManifestList)]
    public async Task GetManifest_EveryManifestKind_IsFetchedAndParsed(string tag, string mediaType)
    {
        using var host = new RegistryTestHost();

        var manifest = await host.Client(Settings()).GetManifestAsync(Image("test/app:" + tag), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(mediaType, manifest.MediaType);
        Assert.Equal(manifest.IsIndex, manifest.Manifests.Length > 0);
        Assert.Equal(manifest.IsIndex, manifest.Config is null);
    }

    [Fact]
    public async Task GetManifest_MultiPlatformIndex_ListsBothPlatforms()
    {
        using var host = new RegistryTestHost();

        var index = await host.Client(Settings()).GetManifestAsync(Image("test/app:multi"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_MULTI_AMD64"), index.Manifests.Single(m => m.Platform?.Architecture == "amd64").Digest);
        Assert.Equal(DigestOf("TESTBED_DIGEST_MULTI_ARM64"), index.Manifests.Single(m => m.Platform?.Architecture == "arm64").Digest);
    }

    [Fact]
    public async Task ResolveThenFetchBlob_SignedImage_TakesThreeRoundTrips()
    {
        using var host = new RegistryTestHost();
        var client = host.Client(Settings());

        var digest = await client.ResolveAsync(Image("test/app:signed"), RegistryLimits.ManifestBytes, Ct);
        var manifest = await client.GetManifestAsync(Image("test/app:signed").PinnedTo(digest), RegistryLimits.ManifestBytes, Ct);
        var config = await client.GetBlobAsync(Image("test/app"), manifest.Config!.Digest, RegistryLimits.SignatureBlobBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_SIGNED"), manifest.Digest);
        Assert.Equal(manifest.Config.Size, config.Length);
        Assert.Equal(3, host.RequestCount);
    }

    [Fact]
    public async Task GetManifestByTag_ReturnsDigestAndContentInOneRoundTrip()
    {
        using var host = new RegistryTestHost();

        var manifest = await host.Client(Settings()).GetManifestAsync(Image("test/app:signed"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_SIGNED"), manifest.Digest);
        Assert.Equal(1, host.RequestCount);
    }

    [Fact]
    public async Task GetManifest_CosignSignatureTag_IsFoundForSignedAndAbsentForUnsigned()
    {
        using var host = new RegistryTestHost();
        var client = host.Client(Settings());

        var signed = await client.TryGetManifestAsync(Image("test/app").WithTag($"sha256-{DigestOf("TESTBED_DIGEST_SIGNED").Hex}.sig"), RegistryLimits.ManifestBytes, Ct);
        var unsigned = await client.TryGetManifestAsync(Image("test/app").WithTag($"sha256-{DigestOf("TESTBED_DIGEST_UNSIGNED").Hex}.sig"), RegistryLimits.ManifestBytes, Ct);

        Assert.NotNull(signed);
        Assert.All(signed.Layers, l => Assert.Equal("application/vnd.dev.cosign.simplesigning.v1+json", l.MediaType));
        Assert.Contains(signed.Layers, l => l.Annotations.ContainsKey("dev.cosignproject.cosign/signature"));
        Assert.Null(unsigned);
    }

    [Fact]
    public async Task GetReferrers_Signed_FallsBackToTheReferrersTag()
    {
        using var host = new RegistryTestHost();
        var client = host.Client(Settings());

        var all = await client.GetReferrersAsync(Image("test/app"), DigestOf("TESTBED_DIGEST_SIGNED"), null, RegistryLimits.ManifestBytes, Ct);
        var bundles = await client.GetReferrersAsync(Image("test/app"), DigestOf("TESTBED_DIGEST_SIGNED"), BundleType, RegistryLimits.ManifestBytes, Ct);
        var other = await client.GetReferrersAsync(Image("test/app"), DigestOf("TESTBED_DIGEST_SIGNED"), "application/spdx+json", RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(ReferrersSource.TagSchema, all.Source);
        Assert.Equal(Bed["TESTBED_REFERRERS_TAG_SIGNED"], "sha256-" + all.Subject.Hex);
        Assert.Equal(DigestOf("TESTBED_ATTESTATION_MANIFEST_DIGEST"), Assert.Single(bundles.Referrers).Digest);
        Assert.Equal(BundleType, bundles.Referrers[0].ArtifactType);
        Assert.Empty(other.Referrers);
    }

    [Fact]
    public async Task GetReferrers_TheReferrerManifest_NamesTheSubject()
    {
        using var host = new RegistryTestHost();
        var client = host.Client(Settings());
        var list = await client.GetReferrersAsync(Image("test/app"), DigestOf("TESTBED_DIGEST_SIGNED"), BundleType, RegistryLimits.ManifestBytes, Ct);

        var referrer = await client.GetManifestAsync(Image("test/app").PinnedTo(list.Referrers[0].Digest), RegistryLimits.ManifestBytes, Ct);
        var bundle = await client.GetBlobAsync(Image("test/app"), referrer.Layers[0].Digest, RegistryLimits.SignatureBlobBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_SIGNED"), referrer.Subject!.Digest);
        Assert.Contains("\"dsseEnvelope\"", Encoding.UTF8.GetString(bundle.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetReferrers_Unsigned_IsEmpty()
    {
        using var host = new RegistryTestHost();

        var list = await host.Client(Settings()).GetReferrersAsync(Image("test/app"), DigestOf("TESTBED_DIGEST_UNSIGNED"), null, RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(ReferrersSource.None, list.Source);
        Assert.Empty(list.Referrers);
    }

    [Theory]
    [InlineData("test/app:does-not-exist")]
    [InlineData("test/nothing-here:latest")]
    [InlineData("test/app@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task GetManifest_Absent_IsNotFound(string reference)
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings()).GetManifestAsync(Image(reference), RegistryLimits.ManifestBytes, Ct));

        Assert.True(e.IsNotFound, e.Message);
        Assert.Contains(Bed["TESTBED_REGISTRY"] + "/" + reference.Split(':', '@')[0], e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTags_ContainsTheTestbedTags()
    {
        using var host = new RegistryTestHost();

        var tags = await host.Client(Settings()).ListTagsAsync(Image("test/app"), RegistryLimits.SmallBytes, Ct);

        Assert.Contains("signed", tags);
        Assert.Contains("multi-docker", tags);
        Assert.Contains(Bed["TESTBED_REFERRERS_TAG_SIGNED"], tags);
    }

    [Fact]
    public async Task WithoutTheTestbedCa_TheRegistryIsNotTrusted()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(new RegistryClientSettings { Name = "no-ca" }).ResolveAsync(Image("test/app:signed"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }

    [Fact]
    public async Task BasicAuthEndpoint_DockerConfigCredentials_AuthenticateAfterOneChallenge()
    {
        var http = Bed["TESTBED_REGISTRY_HTTP"];
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(Bed["TESTBED_REGISTRY_HTTP_USER"] + ":" + Bed["TESTBED_REGISTRY_HTTP_PASSWORD"]));
        var secrets = new FixedSecretSource(".dockerconfigjson", "{\"auths\":{\"http://" + http + "\":{\"auth\":\"" + auth + "\"}}}");
        using var host = new RegistryTestHost(secrets: secrets);
        var client = host.Client(Settings(new RegistryAuth { SecretName = "regcred" }, insecure: http));

        var digest = await client.ResolveAsync(On("TESTBED_REGISTRY_HTTP", "test/app:signed"), RegistryLimits.ManifestBytes, Ct);
        await client.GetManifestAsync(On("TESTBED_REGISTRY_HTTP", "test/app:multi"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_SIGNED"), digest);
        Assert.Equal(3, host.RequestCount);
    }

    [Fact]
    public async Task BasicAuthEndpoint_ConnaisseurSecretYamlMountedAsFiles_Authenticates()
    {
        var root = Directory.CreateTempSubdirectory("verity-secrets-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "registry-auth"));
            await File.WriteAllTextAsync(
                Path.Combine(root.FullName, "registry-auth", "secret.yaml"),
                $"username: {Bed["TESTBED_REGISTRY_HTTP_USER"]}\npassword: {Bed["TESTBED_REGISTRY_HTTP_PASSWORD"]}\nregistry: {Bed["TESTBED_REGISTRY_HTTP"]}\n",
                Ct);
            using var host = new RegistryTestHost(secrets: new MountedSecretSource(root.FullName));
            var client = host.Client(Settings(new RegistryAuth { SecretName = "registry-auth" }, insecure: Bed["TESTBED_REGISTRY_HTTP"]));

            var digest = await client.ResolveAsync(On("TESTBED_REGISTRY_HTTP", "test/app:docker"), RegistryLimits.ManifestBytes, Ct);

            Assert.Equal(DigestOf("TESTBED_DIGEST_DOCKER"), digest);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BasicAuthEndpoint_WrongPassword_IsUnauthorized()
    {
        using var host = new RegistryTestHost();
        var auth = new RegistryAuth { Username = Bed["TESTBED_REGISTRY_HTTP_USER"], Password = "wrong-password", Registry = Bed["TESTBED_REGISTRY_HTTP"] };

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings(auth, insecure: Bed["TESTBED_REGISTRY_HTTP"])).ResolveAsync(On("TESTBED_REGISTRY_HTTP", "test/app:signed"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.DoesNotContain("wrong-password", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BasicAuthEndpoint_NoCredentials_IsUnauthorizedNotNotFound()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings(insecure: Bed["TESTBED_REGISTRY_HTTP"])).ResolveAsync(On("TESTBED_REGISTRY_HTTP", "test/app:signed"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task BasicAuthEndpoint_NotListedInsecure_IsNeverSpokenToOverHttp()
    {
        using var host = new RegistryTestHost();
        var auth = new RegistryAuth { Username = Bed["TESTBED_REGISTRY_HTTP_USER"], Password = Bed["TESTBED_REGISTRY_HTTP_PASSWORD"], Registry = Bed["TESTBED_REGISTRY_HTTP"] };

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings(auth)).ResolveAsync(On("TESTBED_REGISTRY_HTTP", "test/app:signed"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }

    private sealed class FixedSecretSource(string key, string value) : ISecretSource
    {
        public ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string name, CancellationToken cancellationToken)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>?>(new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) });
        }
    }
}
