using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Admission;
using Verity.Core.Configuration;
using Verity.Hosting;

namespace Verity.Tests.Admission;

/// <summary>The admission pipeline with the mock validator, as the CLI and server build it.</summary>
internal sealed class AdmissionFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public AdmissionFixture(string configYaml, AdmissionOptions? options = null, TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddVerityCore(options ?? new AdmissionOptions());
        Factory = new MockValidatorFactory();
        Factory.ReplaceStatic(services);
        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
        Snapshots = _services.GetRequiredService<PolicySnapshotProvider>();
        Snapshots.Use(Snapshots.Loader.Parse(configYaml, "test.yaml"));
        Handler = _services.GetRequiredService<AdmissionHandler>();
        Verifier = _services.GetRequiredService<ImageVerifier>();
        Cache = _services.GetRequiredService<Verity.Caching.VerdictCache>();
    }

    public Verity.Caching.VerdictCache Cache { get; }

    public IServiceProvider Services => _services;

    public static string MutateTestConfig => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Admission", "mutate-test.yaml"));

    public MockValidatorFactory Factory { get; }

    public PolicySnapshotProvider Snapshots { get; }

    public AdmissionHandler Handler { get; }

    public ImageVerifier Verifier { get; }

    public void Dispose() => _services.Dispose();
}

internal static class ServiceCollectionTestExtensions
{
    public static void RemoveAll<T>(this IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(T)).ToList())
        {
            services.Remove(descriptor);
        }
    }
}
