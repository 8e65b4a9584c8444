using Verity.Testing;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Http;

/// <summary>Keep-alive: one validator's calls share pooled connections.</summary>
public sealed class ConnectionReuseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SequentialCalls_ReuseOneConnection()
    {
        using var pki = TestPki.Create();
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = pki.ServerCertificate });
        registry.PutImage("test/app", "layer", "latest");
        using var host = new RegistryTestHost();
        var settings = registry.Settings(ca: pki.CaCertificate);

        for (var i = 0; i < 5; i++)
        {
            // A new client per call, as a validator rebuilt on a configuration reload would get.
            var manifest = await host.Client(settings).GetManifestAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
            await host.Client(settings).GetBlobAsync(registry.Image("test/app"), manifest.Config!.Digest, RegistryLimits.SignatureBlobBytes, Ct);
        }

        Assert.Equal(10, registry.Requests.Count);
        Assert.Single(registry.Requests.Select(r => r.ConnectionId).Distinct());
    }

    [Fact]
    public async Task DifferentValidators_UseDifferentConnections()
    {
        await using var registry = await FakeRegistry.StartAsync();
        registry.PutImage("test/app", "layer", "latest");
        using var host = new RegistryTestHost();

        await host.Client(registry.Settings(name: "a")).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        await host.Client(registry.Settings(name: "b")).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(2, registry.Requests.Select(r => r.ConnectionId).Distinct().Count());
    }
}
