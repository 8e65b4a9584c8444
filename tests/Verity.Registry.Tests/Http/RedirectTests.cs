using Verity.Core.Images;
using Verity.Testing;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Http;

/// <summary>Redirects: followed for blobs only, and never with credentials to another host.</summary>
public sealed class RedirectTests : IAsyncLifetime
{
    private TestPki _pki = null!;
    private FakeRegistry _registry = null!;
    private FakeRegistry _storage = null!;
    private string _blob = null!;

    public async ValueTask InitializeAsync()
    {
        _pki = TestPki.Create();
        _registry = await FakeRegistry.StartAsync(new FakeRegistryOptions
        {
            Certificate = _pki.ServerCertificate,
            Auth = FakeRegistryAuth.Basic,
            Username = "alice",
            Password = "pw",
        });
        _storage = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
        _registry.PutImage("test/app", "layer", "latest");
        _storage.PutImage("test/app", "layer", "latest");
        _blob = _storage.PutBlob("test/app", "blob content"u8.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _storage.DisposeAsync();
        _pki.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryClientSettings Settings => _registry.Settings(_registry.Credentials("alice", "pw"), _pki.CaCertificate);

    [Fact]
    public async Task GetBlob_RedirectToAnotherHost_IsFollowedWithoutCredentials()
    {
        _registry.AddFault(RegistryFaults.Redirect(_storage.BaseUri, "/blobs/"));
        using var host = new RegistryTestHost();
        var client = host.Client(Settings);
        await client.ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        var blob = await client.GetBlobAsync(_registry.Image("test/app"), Digest.Parse(_blob), RegistryLimits.SignatureBlobBytes, Ct);

        Assert.Equal("blob content"u8.ToArray(), blob.ToArray());
        Assert.StartsWith("Basic ", _registry.Requests[^1].Authorization, StringComparison.Ordinal);
        Assert.Equal($"GET /v2/test/app/blobs/{_blob}", Assert.Single(_storage.Calls()));
        Assert.Null(_storage.Requests.Single().Authorization);
        Assert.Equal(2, host.Count("blob"));
    }

    [Fact]
    public async Task GetBlob_RedirectSameOrigin_KeepsCredentials()
    {
        var moved = _registry.PutBlob("moved", "blob content"u8.ToArray());
        _registry.AddFault(new CountingFault(c => c.Request.Path.Value!.StartsWith("/v2/test/app/blobs/", StringComparison.Ordinal), int.MaxValue, context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/v2/moved/blobs/" + moved;
            return Task.CompletedTask;
        }));
        using var host = new RegistryTestHost();
        var client = host.Client(Settings);
        await client.ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        await client.GetBlobAsync(_registry.Image("test/app"), Digest.Parse(moved), RegistryLimits.SignatureBlobBytes, Ct);

        Assert.NotNull(_registry.Requests[^1].Authorization);
    }

    [Fact]
    public async Task GetManifest_Redirect_IsRefused()
    {
        _registry.AddFault(RegistryFaults.Redirect(_storage.BaseUri, "/manifests/"));
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Contains($"redirected the request (HTTP 307) to {_storage.BaseUri}v2/test/app/manifests/latest; Verity follows redirects only for blobs", e.Message, StringComparison.Ordinal);
        Assert.Empty(_storage.Requests);
    }

    [Fact]
    public async Task Resolve_Redirect_IsRefused()
    {
        _registry.AddFault(RegistryFaults.Redirect(_storage.BaseUri, "/manifests/", status: 301));
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Empty(_storage.Requests);
    }

    [Fact]
    public async Task GetBlob_RedirectToPlainHttp_IsRefused()
    {
        await using var plain = await FakeRegistry.StartAsync();
        _registry.AddFault(RegistryFaults.Redirect(plain.BaseUri, "/blobs/"));
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings).GetBlobAsync(_registry.Image("test/app"), Digest.Parse(_blob), RegistryLimits.SignatureBlobBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Contains("over plain HTTP", e.Message, StringComparison.Ordinal);
        Assert.Empty(plain.Requests);
    }

    [Fact]
    public async Task GetBlob_EndlessRedirects_StopAfterTheLimit()
    {
        _registry.AddFault(RegistryFaults.Redirect(_registry.BaseUri, "/blobs/"));
        using var host = new RegistryTestHost(o => o.MaxRedirects = 3);

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings).GetBlobAsync(_registry.Image("test/app"), Digest.Parse(_blob), RegistryLimits.SignatureBlobBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Contains("more than 3 redirects", e.Message, StringComparison.Ordinal);
    }
}
