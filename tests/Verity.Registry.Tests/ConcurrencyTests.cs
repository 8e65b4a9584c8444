using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ManyConcurrentCalls_OnOneClient_AllSucceed()
    {
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Auth = FakeRegistryAuth.Bearer, Username = "alice", Password = "pw" });
        var digests = Enumerable.Range(0, 8).Select(i => registry.PutImage("test/app" + i, "layer " + i, "latest")).ToArray();
        using var host = new RegistryTestHost();
        var client = host.Client(registry.Settings(registry.Credentials("alice", "pw")));

        var resolved = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
            (i % 8, await client.ResolveAsync(registry.Image($"test/app{i % 8}:latest"), RegistryLimits.ManifestBytes, TestContext.Current.CancellationToken))));

        Assert.All(resolved, r => Assert.Equal(digests[r.Item1], r.Item2.Value));
        Assert.InRange(registry.TokensIssued, 8, 64);
    }
}
