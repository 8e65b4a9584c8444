using Verity.Core.Images;
using Verity.Registry.Manifests;
using Verity.Registry.Referrers;
using Verity.Testing.Registry;
using static Verity.Registry.Tests.TestText;

namespace Verity.Registry.Tests.Referrers;

/// <summary>The referrers API and its fallback to the referrers tag schema.</summary>
public sealed class ReferrersTests
{
    private const string Bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private const string Sbom = "application/spdx+json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(FakeRegistry Registry, Digest Subject, string BundleReferrer, string SbomReferrer)> StartAsync(FakeRegistryOptions options)
    {
        var registry = await FakeRegistry.StartAsync(options);
        var subject = registry.PutImage("test/app", "layer", "latest");
        var empty = registry.PutBlob("test/app", "{}"u8.ToArray());
        string Referrer(string type) => registry.PutManifest("test/app", Sub("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"$1",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"$2","size":2},"layers":[],
             "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$3","size":1}}
            """, type, empty, subject), ManifestMediaTypes.OciManifest);
        return (registry, Digest.Parse(subject), Referrer(Bundle), Referrer(Sbom));
    }

    [Fact]
    public async Task GetReferrers_Api_ReturnsEveryReferrer()
    {
        var (registry, subject, bundle, sbom) = await StartAsync(new FakeRegistryOptions { ReferrersApi = true });
        await using var _ = registry;
        using var host = new RegistryTestHost();

        var list = await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, null, RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(ReferrersSource.Api, list.Source);
        Assert.Equal(new[] { bundle, sbom }.Order(StringComparer.Ordinal), list.Referrers.Select(r => r.Digest.Value).Order(StringComparer.Ordinal));
        Assert.Equal(1, host.RequestCount);
    }

    [Fact]
    public async Task GetReferrers_ApiAppliesTheFilter_ReturnsOnlyThatType()
    {
        var (registry, subject, bundle, _) = await StartAsync(new FakeRegistryOptions { ReferrersApi = true });
        await using var _ = registry;
        using var host = new RegistryTestHost();

        var list = await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, Bundle, RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(bundle, Assert.Single(list.Referrers).Digest.Value);
        Assert.EndsWith("?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson", registry.Requests.Single().PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetReferrers_ApiIgnoresTheFilter_IsFilteredByVerity()
    {
        var (registry, subject, bundle, _) = await StartAsync(new FakeRegistryOptions { ReferrersApi = true, ReferrersFilter = false });
        await using var _ = registry;
        using var host = new RegistryTestHost();

        var list = await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, Bundle, RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(bundle, Assert.Single(list.Referrers).Digest.Value);
    }

    [Fact]
    public async Task GetReferrers_ApiAnswers404_FallsBackToTheReferrersTag()
    {
        var (registry, subject, bundle, sbom) = await StartAsync(new FakeRegistryOptions { ReferrersApi = false });
        await using var _ = registry;
        registry.PutManifest("test/app", Sub("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$1","size":10,"artifactType":"$2"},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$3","size":10,"artifactType":"$4"}]}
            """, bundle, Bundle, sbom, Sbom), ManifestMediaTypes.OciIndex, "sha256-" + subject.Hex);
        using var host = new RegistryTestHost();

        var list = await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, Bundle, RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(ReferrersSource.TagSchema, list.Source);
        Assert.Equal(bundle, Assert.Single(list.Referrers).Digest.Value);
        Assert.Equal([$"GET /v2/test/app/referrers/{subject}", $"GET /v2/test/app/manifests/sha256-{subject.Hex}"], registry.Calls());
    }

    [Fact]
    public async Task GetReferrers_NoApiAndNoTag_IsAnEmptyList()
    {
        var (registry, subject, _, _) = await StartAsync(new FakeRegistryOptions { ReferrersApi = false });
        await using var _ = registry;
        using var host = new RegistryTestHost();

        var list = await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, null, RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(ReferrersSource.None, list.Source);
        Assert.Empty(list.Referrers);
    }

    [Fact]
    public async Task GetReferrers_TagHoldsAnImageManifest_IsProtocolError()
    {
        var (registry, subject, _, _) = await StartAsync(new FakeRegistryOptions { ReferrersApi = false });
        await using var _ = registry;
        registry.PutImage("test/app", "not an index", "sha256-" + subject.Hex);
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, null, RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
    }

    [Fact]
    public async Task GetReferrers_RegistryFailure_IsNotAnEmptyList()
    {
        var (registry, subject, _, _) = await StartAsync(new FakeRegistryOptions { ReferrersApi = true });
        await using var _ = registry;
        registry.AddFault(RegistryFaults.Status(500, int.MaxValue, pathContains: "/referrers/"));
        using var host = new RegistryTestHost(o => o.MaxAttempts = 1);

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings()).GetReferrersAsync(registry.Image("test/app"), subject, null, RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }
}
