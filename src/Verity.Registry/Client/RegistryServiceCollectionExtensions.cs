using Verity.Core.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Verity.Registry.Auth;
using Verity.Registry.Http;

namespace Verity.Registry.Client;

/// <summary>Registers the registry client.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRegistryClientFactory"/>, <see cref="IAuthenticatedServerClientFactory"/> and what they need: <see cref="IHttpClientFactory"/>, metrics, the shared
    /// token cache, <see cref="TimeProvider.System"/> (unless one is registered) and, unless another
    /// <see cref="ISecretSource"/> is registered, <see cref="MountedSecretSource"/> at <c>/app/secrets</c>.
    /// </summary>
    public static IServiceCollection AddVerityRegistry(this IServiceCollection services, Action<RegistryClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient();
        services.AddMetrics();
        var options = services.AddOptions<RegistryClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RegistryHttpClientNames>();
        services.TryAddSingleton<RegistryAuthCache>();
        services.TryAddSingleton<RegistryMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, ConfigureRegistryHttpClients>());
        services.TryAddSingleton<ISecretSource>(_ => new MountedSecretSource());
        services.TryAddSingleton<RegistryClientFactory>();
        services.TryAddSingleton<IRegistryClientFactory>(sp => sp.GetRequiredService<RegistryClientFactory>());
        services.TryAddSingleton<IAuthenticatedServerClientFactory>(sp => sp.GetRequiredService<RegistryClientFactory>());
        return services;
    }

    /// <summary>Reads <c>auth.secretName</c> secrets from files below <paramref name="root"/> (<c>&lt;root&gt;/&lt;name&gt;/&lt;key&gt;</c>).</summary>
    public static IServiceCollection AddVerityMountedSecrets(this IServiceCollection services, string root = MountedSecretSource.DefaultRoot)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Singleton<ISecretSource>(_ => new MountedSecretSource(root)));
        return services;
    }

    /// <summary>
    /// Reads <c>auth.secretName</c> secrets from the Kubernetes API, in <paramref name="namespace"/>, through the
    /// <see cref="IClusterAccess"/> the host registers.
    /// </summary>
    public static IServiceCollection AddVerityKubernetesSecrets(this IServiceCollection services, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        services.Replace(ServiceDescriptor.Singleton<ISecretSource>(sp => new KubernetesSecretSource(sp.GetRequiredService<IClusterAccess>(), @namespace)));
        return services;
    }
}
