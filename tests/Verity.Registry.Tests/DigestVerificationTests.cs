using System.Text;
using Verity.Core.Images;
using Verity.Registry.Manifests;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

/// <summary>A registry that lies about content: every manifest and blob is checked against its digest.</summary>
public sealed class DigestVerificationTests : IAsyncLifetime
{
    private static readonly byte[] Honest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
    private static readonly byte[] Forged = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[] }");

    private FakeRegistry _registry = null!;

    public async ValueTask InitializeAsync() => _registry = await FakeRegistry.StartAsync();

    public async ValueTask DisposeAsync() => await _registry.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetManifestByDigest_RegistrySendsOtherContent_IsDigestMismatch()
    {
        using var host = new RegistryTestHost();
        var requested = FakeRegistry.DigestOf(Honest);
        _registry.ServeManifest("test/app", requested, Forged, ManifestMediaTypes.OciIndex, dockerContentDigest: requested);

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app@" + requested), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Contains($"manifest \"{_registry.Registry}/test/app@{requested}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("sent content whose digest is " + FakeRegistry.DigestOf(Forged), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestByTag_HeaderDisagreesWithContent_IsDigestMismatch()
    {
        using var host = new RegistryTestHost();
        _registry.ServeManifest("test/app", "latest", Forged, ManifestMediaTypes.OciIndex, dockerContentDigest: FakeRegistry.DigestOf(Honest));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Contains("(Docker-Content-Digest)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestByTag_WithoutHeader_ReturnsTheComputedDigest()
    {
        using var host = new RegistryTestHost();
        _registry.ServeManifest("test/app", "latest", Honest, ManifestMediaTypes.OciIndex, dockerContentDigest: null);

        var manifest = await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(FakeRegistry.DigestOf(Honest), manifest.Digest.Value);
        Assert.Equal(Honest, manifest.Content.ToArray());
    }

    [Fact]
    public async Task GetManifestByTag_MalformedHeader_IsProtocolError()
    {
        using var host = new RegistryTestHost();
        _registry.ServeManifest("test/app", "latest", Honest, ManifestMediaTypes.OciIndex, dockerContentDigest: "md5:abc");

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
    }

    [Fact]
    public async Task GetManifest_NotAManifest_IsProtocolError()
    {
        using var host = new RegistryTestHost();
        var html = Encoding.UTF8.GetBytes("<html>login</html>");
        _registry.ServeManifest("test/app", "latest", html, "application/vnd.docker.distribution.manifest.v2+json", FakeRegistry.DigestOf(html));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Contains("is not a valid manifest: it is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetBlob_TamperedContent_IsDigestMismatch()
    {
        using var host = new RegistryTestHost();
        var digest = FakeRegistry.DigestOf(Honest);
        _registry.ServeBlob("test/app", digest, Forged);

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetBlobAsync(_registry.Image("test/app"), Digest.Parse(digest), RegistryLimits.SignatureBlobBytes, Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Contains($"blob \"{_registry.Registry}/test/app@{digest}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetBlob_Honest_ReturnsTheBytes()
    {
        using var host = new RegistryTestHost();
        var digest = _registry.PutBlob("test/app", Honest);

        var blob = await host.Client(_registry.Settings()).GetBlobAsync(_registry.Image("test/app"), Digest.Parse(digest), RegistryLimits.SignatureBlobBytes, Ct);

        Assert.Equal(Honest, blob.ToArray());
    }

    [Fact]
    public async Task Resolve_HeadWithDigestHeader_MakesOneRequest()
    {
        using var host = new RegistryTestHost();
        var digest = _registry.PutImage("test/app", "x", "latest");

        var resolved = await host.Client(_registry.Settings()).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(digest, resolved.Value);
        Assert.Equal(["HEAD /v2/test/app/manifests/latest"], _registry.Calls());
    }

    [Fact]
    public async Task Resolve_HeadWithoutDigestHeader_FallsBackToGetAndHashes()
    {
        using var host = new RegistryTestHost();
        _registry.ServeManifest("test/app", "latest", Honest, ManifestMediaTypes.OciIndex, dockerContentDigest: null);

        var resolved = await host.Client(_registry.Settings()).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(FakeRegistry.DigestOf(Honest), resolved.Value);
        Assert.Equal(["HEAD /v2/test/app/manifests/latest", "GET /v2/test/app/manifests/latest"], _registry.Calls());
    }

    [Fact]
    public async Task Resolve_HeadNotAllowed_FallsBackToGet()
    {
        using var host = new RegistryTestHost();
        var digest = _registry.PutImage("test/app", "x", "latest");
        _registry.AddFault(new CountingFault(context => context.Request.Method == "HEAD", int.MaxValue, context =>
        {
            context.Response.StatusCode = 405;
            return Task.CompletedTask;
        }));

        var resolved = await host.Client(_registry.Settings()).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(digest, resolved.Value);
    }

    [Fact]
    public async Task Resolve_ImageWithDigest_MakesNoRequest()
    {
        using var host = new RegistryTestHost();
        var digest = FakeRegistry.DigestOf(Honest);

        var resolved = await host.Client(_registry.Settings()).ResolveAsync(_registry.Image("test/app:tag@" + digest), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(digest, resolved.Value);
        Assert.Empty(_registry.Requests);
        Assert.Equal(0, host.RequestCount);
    }

    [Fact]
    public async Task Resolve_AbsentTag_IsNotFound()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).ResolveAsync(_registry.Image("test/app:absent"), RegistryLimits.ManifestBytes, Ct));

        Assert.True(e.IsNotFound);
        Assert.Equal(1, host.RequestCount);
    }

    [Fact]
    public async Task GetManifest_SendsEveryManifestMediaTypeInAccept()
    {
        using var host = new RegistryTestHost();
        _registry.PutImage("test/app", "x", "latest");

        await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        var accept = _registry.Requests.Single().Accept!;
        foreach (var type in new[] { ManifestMediaTypes.OciManifest, ManifestMediaTypes.OciIndex, ManifestMediaTypes.DockerManifest, ManifestMediaTypes.DockerManifestList })
        {
            Assert.Contains(type, accept, StringComparison.Ordinal);
        }
    }
}
