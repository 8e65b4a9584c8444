using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Admission;
using Verity.Caching;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Keys;
using Verity.Validators.NotaryV1;
using Verity.Validators.Static;

namespace Verity.Hosting;

/// <summary>Registers Verity's admission pipeline and validators.</summary>
internal static class ServiceCollectionExtensions
{
    public static IServiceCollection AddVerityCore(this IServiceCollection services, AdmissionOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddVerityRegistry();
        services.AddSingleton<IValidatorFactory, StaticValidatorFactory>();
        services.AddSingleton<IValidatorFactory, NotaryV1ValidatorFactory>();

        // cosign: k8s:// key references are read through the API server; the in-cluster client is made on first use.
        services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.InClusterConfig()));
        services.TryAddSingleton<IKeyReferenceResolver>(sp =>
            new KubernetesKeyReferenceResolver(sp.GetRequiredService<IKubernetes>, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IValidatorFactory, CosignValidatorFactory>();

        services.AddSingleton<ValidatorRegistry>();
        services.AddSingleton<PolicySnapshotProvider>();
        services.AddSingleton<VerdictCache>();
        services.AddSingleton<ImageVerifier>();
        services.AddSingleton<AdmissionHandler>();
        return services;
    }
}
