using Verity.Metrics;
using Verity.Cluster;
using Verity.Reports;
using Verity.Core.Cluster;
using Verity.Registry.Client;
using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Admission;
using Verity.Alerting;
using Verity.Core.Alerting;
using Verity.Caching;
using Verity.Core.Configuration;
using Verity.Validators;
using Verity.Validators.Cosign.Keys;

namespace Verity.Hosting;

/// <summary>Registers Verity's admission pipeline and validators.</summary>
internal static class ServiceCollectionExtensions
{
    /// <summary>Registers a validator type and the services it needs; a type registered twice is an error when the registry is built.</summary>
    public static IServiceCollection AddValidatorType(this IServiceCollection services, IValidatorType type)
    {
        type.AddServices(services);
        services.AddSingleton(type);
        return services;
    }

    /// <param name="services">The container.</param>
    /// <param name="options">Admission deadline and limits.</param>
    /// <param name="alerting">Alert delivery; by default templates are checked but nothing is sent (the CLI).</param>
    public static IServiceCollection AddVerityCore(this IServiceCollection services, AdmissionOptions options, AlertingOptions? alerting = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddVerityRegistry();
        // Everything read from the cluster goes through one port; the API client is made on first use.
        services.TryAddSingleton<IKubernetes>(_ => KubernetesClusterAccess.Default());
        services.TryAddSingleton<IClusterAccess>(sp => new KubernetesClusterAccess(sp.GetRequiredService<IKubernetes>));
        services.TryAddSingleton<IKeyReferenceResolver>(sp =>
            new KubernetesKeyReferenceResolver(sp.GetRequiredService<IClusterAccess>(), sp.GetRequiredService<TimeProvider>()));

        foreach (var type in BuiltInValidatorTypes.All)
        {
            services.AddValidatorType(type);
        }

        services.AddSingleton(sp => new ValidatorTypeRegistry(sp.GetServices<IValidatorType>()));
        services.AddSingleton<ConfigLoader>();
        services.AddSingleton(sp => new PolicySnapshotProvider(sp.GetRequiredService<ConfigLoader>(), sp, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(new SharedCacheHealth(null));
        services.AddSingleton<VerityMetrics>();
        services.AddSingleton<VerdictCache>();
        // A little longer than a request may wait: a waiter's own deadline ends its wait first, with its own message.
        services.AddSingleton(sp => new VerificationFlights(sp.GetRequiredService<AdmissionOptions>().Timeout + TimeSpan.FromSeconds(2)));
        services.AddSingleton<ImageVerifier>();
        services.AddSingleton<NamespaceLabels>();
        services.AddSingleton<PolicyReportWriter>();
        services.AddVerityAlerting(alerting ?? new AlertingOptions { Enabled = false });
        services.AddSingleton<AdmissionHandler>();
        return services;
    }

    /// <summary>
    /// The shared cache (Redis): verdicts (<see cref="ISharedVerdictStore"/>, behind the in-memory <see cref="VerdictCache"/>)
    /// and rollback floors (<see cref="Core.Validation.IRollbackFloorStore"/>, which the notaryv1 factory picks up), shared by
    /// every replica. The host connects at start (<see cref="RedisConnection"/> is a hosted service).
    /// </summary>
    public static IServiceCollection AddVeritySharedCache(this IServiceCollection services, RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.Replace(ServiceDescriptor.Singleton(new SharedCacheHealth(options.Server)));
        services.AddSingleton(options);
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<ISharedVerdictStore, RedisVerdictStore>();
        services.AddSingleton<Core.Validation.IRollbackFloorStore, RedisRollbackFloorStore>();
        return services;
    }

    /// <summary>
    /// Alert templates, the sender (named <see cref="IHttpClientFactory"/> client without redirects or request logging,
    /// which would print receiver URLs), the bounded queue and the counters. The host runs <see cref="AlertQueue"/>.
    /// </summary>
    private static IServiceCollection AddVerityAlerting(this IServiceCollection services, AlertingOptions options)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton<IAlertTemplateSource>(sp => new AlertTemplateSource(sp.GetRequiredService<AlertingOptions>()));
        services.AddHttpClient(AlertSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                // Answers are never read beyond their status; a body left unread is drained briefly, then the connection closed.
                MaxResponseHeadersLength = 64,
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                {
                    EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                    RemoteCertificateValidationCallback = Registry.Http.ServerCertificateValidation.Callback(sp.GetRequiredService<AlertingOptions>().CaCertificates),
                },
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.TryAddSingleton<AlertCounters>();
        services.TryAddSingleton<IAlertingMetrics>(sp => sp.GetRequiredService<AlertCounters>());
        services.TryAddSingleton<AlertSender>();
        services.TryAddSingleton<AlertQueue>();
        services.TryAddSingleton<AlertDispatcher>();
        return services;
    }
}
