using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Admission;
using Verity.Core.Validation;
using Verity.Registry;
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
        services.AddSingleton<IValidatorFactory, StaticValidatorFactory>();
        services.AddVerityRegistry();
        services.AddSingleton<IValidatorFactory, NotaryV1ValidatorFactory>();
        services.AddSingleton<ValidatorRegistry>();
        services.AddSingleton<PolicySnapshotProvider>();
        services.AddSingleton<ImageVerifier>();
        services.AddSingleton<AdmissionHandler>();
        return services;
    }
}
