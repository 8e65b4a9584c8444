using System.Diagnostics;
using System.Text;
using Verity.Registry.Manifests;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Http;

/// <summary>Response size limits: oversized bodies are refused without buffering them.</summary>
public sealed class BoundedBodyTests : IAsyncLifetime
{
    private const long OneGiB = 1L << 30;
    private FakeRegistry _registry = null!;

    public async ValueTask InitializeAsync() => _registry = await FakeRegistry.StartAsync();

    public async ValueTask DisposeAsync() => await _registry.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetManifest_DeclaredLengthOverLimit_FailsBeforeReadingTheBody()
    {
        using var host = new RegistryTestHost();
        var fault = _registry.AddFault(RegistryFaults.OversizedBody(OneGiB, declareLength: true));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:big"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
        Assert.Contains("is larger than the limit of 4194304 bytes (1073741824 bytes)", e.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => fault.Aborted);
        Assert.False(fault.Completed);
        Assert.Equal(1, host.Count("manifest"));
    }

    [Fact]
    public async Task GetManifest_ChunkedBodyOverLimit_StopsReadingAtTheLimit()
    {
        using var host = new RegistryTestHost();
        var fault = _registry.AddFault(RegistryFaults.OversizedBody(OneGiB, declareLength: false));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:big"), 1024 * 1024, Ct));

        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
        Assert.Contains("is larger than the limit of 1048576 bytes", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        await WaitUntilAsync(() => fault.Aborted);
        Assert.False(fault.Completed);
    }

    [Fact]
    public async Task GetManifest_BodyExactlyAtTheLimit_IsAccepted()
    {
        using var host = new RegistryTestHost();
        var json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
        var padded = Encoding.UTF8.GetBytes(json.PadRight(1000));
        _registry.ServeManifest("test/app", "exact", padded, ManifestMediaTypes.OciIndex, FakeRegistry.DigestOf(padded));
        var client = host.Client(_registry.Settings());

        var manifest = await client.GetManifestAsync(_registry.Image("test/app:exact"), 1000, Ct);
        var e = await Assert.ThrowsAsync<RegistryException>(async () => await client.GetManifestAsync(_registry.Image("test/app:exact"), 999, Ct));

        Assert.Equal(1000, manifest.Content.Length);
        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
    }

    [Fact]
    public async Task Resolve_HeadDeclaresAManifestOverTheLimit_IsTooLarge()
    {
        using var host = new RegistryTestHost();
        _registry.AddFault(RegistryFaults.OversizedBody(OneGiB, declareLength: true));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).ResolveAsync(_registry.Image("test/app:big"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(condition());
    }
}
