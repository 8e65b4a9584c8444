using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

public sealed class TagListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListTags_PaginatedRegistry_FollowsTheLinks()
    {
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { TagPageSize = 2 });
        registry.PutImage("test/app", "x", "a", "b", "c", "d", "e");
        using var host = new RegistryTestHost();

        var tags = await host.Client(registry.Settings()).ListTagsAsync(registry.Image("test/app"), RegistryLimits.SmallBytes, Ct);

        Assert.Equal(["a", "b", "c", "d", "e"], tags);
        Assert.Equal(3, host.Count("tags"));
    }

    [Fact]
    public async Task ListTags_UnknownRepository_IsNotFound()
    {
        await using var registry = await FakeRegistry.StartAsync();
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings()).ListTagsAsync(registry.Image("test/none"), RegistryLimits.SmallBytes, Ct));

        Assert.True(e.IsNotFound);
        Assert.Contains("repository name not known to registry (NAME_UNKNOWN)", e.Message, StringComparison.Ordinal);
    }
}
