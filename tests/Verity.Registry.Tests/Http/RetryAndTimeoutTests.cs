using System.Diagnostics;
using Verity.Registry.Manifests;
using Verity.Testing;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Http;

/// <summary>Retries, backoff, <c>Retry-After</c>, timeouts and the caller's deadline, against a fault-injecting registry.</summary>
public sealed class RetryAndTimeoutTests : IAsyncLifetime
{
    private FakeRegistry _registry = null!;

    public async ValueTask InitializeAsync()
    {
        _registry = await FakeRegistry.StartAsync();
        _registry.PutImage("test/app", "layer", "latest");
    }

    public async ValueTask DisposeAsync() => await _registry.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetManifest_500ThenSuccess_Retries()
    {
        using var host = new RegistryTestHost();
        var fault = _registry.AddFault(RegistryFaults.Status(500, times: 2, pathContains: "/manifests/"));

        var manifest = await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(ManifestMediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(2, fault.Served);
        Assert.Equal(3, host.Count("manifest"));
    }

    [Fact]
    public async Task GetManifest_503Always_FailsUnavailableAfterMaxAttempts()
    {
        using var host = new RegistryTestHost(o => o.MaxAttempts = 3);
        var fault = _registry.AddFault(RegistryFaults.Status(503, times: int.MaxValue));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal(503, e.StatusCode);
        Assert.False(e.IsNotFound);
        Assert.Equal(3, fault.Served);
        Assert.Contains($"manifest \"{_registry.Registry}/test/app:latest\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("answered HTTP 503 (3 attempts)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_429WithShortRetryAfter_WaitsThatLongThenSucceeds()
    {
        using var host = new RegistryTestHost();
        _registry.AddFault(RegistryFaults.Status(429, times: 1, retryAfter: "1"));
        var clock = Stopwatch.StartNew();

        await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}, before Retry-After");
        Assert.Equal(2, host.Count("manifest"));
    }

    [Fact]
    public async Task GetManifest_429WithLongRetryAfter_FailsAtOnce()
    {
        using var host = new RegistryTestHost();
        var fault = _registry.AddFault(RegistryFaults.Status(429, times: int.MaxValue, retryAfter: "3600"));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal(1, fault.Served);
        Assert.Contains("asks to retry after 3600 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_StalledRegistry_TimesOutEachAttempt()
    {
        using var host = new RegistryTestHost(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxAttempts = 2;
        });
        var fault = _registry.AddFault(RegistryFaults.Stall());
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Timeout, e.Kind);
        Assert.Equal(2, fault.Served);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(5));
        Assert.Contains("did not answer within 0.3 s (2 attempts)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_CallersDeadline_EndsTheCallWithOperationCanceled()
    {
        using var host = new RegistryTestHost(o => o.RequestTimeout = TimeSpan.FromSeconds(30));
        _registry.AddFault(RegistryFaults.Stall());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, deadline.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task GetManifest_DeadlineDuringBackoff_IsNotExtendedByRetries()
    {
        using var host = new RegistryTestHost(o =>
        {
            o.MaxAttempts = 10;
            o.InitialBackoff = TimeSpan.FromSeconds(5);
            o.MaxBackoff = TimeSpan.FromSeconds(5);
        });
        _registry.AddFault(RegistryFaults.Status(500, times: int.MaxValue));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, deadline.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task GetManifest_ConnectionRefused_IsUnavailableAfterRetries()
    {
        using var host = new RegistryTestHost();
        var closed = await TestHttpServer.StartAsync(_ => Task.CompletedTask);
        var registry = closed.Authority;
        await closed.DisposeAsync();
        var settings = new RegistryClientSettings { Name = "test", InsecureHttpRegistries = [registry] };

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(settings).GetManifestAsync(Core.Images.ImageReference.Parse(registry + "/test/app:1"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains("could not reach registry " + registry, e.Message, StringComparison.Ordinal);
        Assert.Equal(3, host.Count("manifest"));
    }

    [Fact]
    public async Task GetManifest_AbsentTag_IsNotFoundAndNotRetried()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).GetManifestAsync(_registry.Image("test/app:nope"), RegistryLimits.ManifestBytes, Ct));

        Assert.True(e.IsNotFound);
        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
        Assert.Equal($"manifest \"{_registry.Registry}/test/app:nope\" not found in registry {_registry.Registry}: manifest unknown (MANIFEST_UNKNOWN)", e.Message);
        Assert.Equal(1, host.Count("manifest"));
    }

    [Fact]
    public async Task TryGetManifest_AbsentTag_ReturnsNull()
    {
        using var host = new RegistryTestHost();

        Assert.Null(await host.Client(_registry.Settings()).TryGetManifestAsync(_registry.Image("test/app:nope"), RegistryLimits.ManifestBytes, Ct));
    }

    [Fact]
    public async Task TryGetManifest_RegistryFailure_StillThrows()
    {
        using var host = new RegistryTestHost(o => o.MaxAttempts = 1);
        _registry.AddFault(RegistryFaults.Status(502, times: int.MaxValue));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings()).TryGetManifestAsync(_registry.Image("test/app:nope"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }
}
