using Verity.Registry.Client;
using Verity.Core.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Verity.Registry.Auth;

namespace Verity.Registry.Tests;

public sealed class RegistryServiceCollectionExtensionsTests
{
    [Fact]
    public void AddVerityRegistry_ByDefault_ReadsSecretsMountedUnderAppSecrets()
    {
        using var provider = new ServiceCollection().AddLogging().AddVerityRegistry().BuildServiceProvider();

        Assert.IsType<MountedSecretSource>(provider.GetRequiredService<ISecretSource>());
        Assert.NotNull(provider.GetRequiredService<IRegistryClientFactory>().Create(new RegistryClientSettings { Name = "v" }));
    }

    [Fact]
    public void AddVerityKubernetesSecrets_UsesTheHostsClusterAccess()
    {

        var services = new ServiceCollection().AddLogging().AddVerityRegistry();
        services.AddSingleton<IClusterAccess>(new NoCluster());
        services.AddVerityKubernetesSecrets("verity");

        using var provider = services.BuildServiceProvider();

        Assert.IsType<KubernetesSecretSource>(provider.GetRequiredService<ISecretSource>());
    }

    [Fact]
    public void AddVerityRegistry_Options_AreBound()
    {
        using var provider = new ServiceCollection().AddLogging().AddVerityRegistry(o => o.MaxAttempts = 7).BuildServiceProvider();

        Assert.Equal(7, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistryClientOptions>>().Value.MaxAttempts);
    }
}

/// <summary>A cluster port that is never called.</summary>
internal sealed class NoCluster : IClusterAccess
{
    public ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not called");

    public ValueTask<ClusterWorkload?> GetWorkloadAsync(string @namespace, OwnerReference owner, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not called");

    public ValueTask<IReadOnlyDictionary<string, string>?> GetNamespaceLabelsAsync(string name, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not called");

    public ValueTask SavePolicyReportAsync(PolicyReport report, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not called");
}
