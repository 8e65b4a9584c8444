using Verity.Admission;
using Verity.Core.Configuration;
using Verity.Hosting;
using Verity.Logging;

namespace Verity.Cli;

/// <summary>The services of a one-shot command (<c>review</c>, <c>verify</c>): the same pipeline as the server, logs on stderr.</summary>
internal sealed class CliRuntime : IDisposable
{
    private readonly ServiceProvider _services;

    private CliRuntime(ServiceProvider services, PolicySnapshot snapshot)
    {
        _services = services;
        Snapshot = snapshot;
    }

    public PolicySnapshot Snapshot { get; }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Starts a runtime, or prints the configuration errors and returns null.</summary>
    public static CliRuntime? TryStart(string configFile, string? logLevel, TextWriter errors, bool verbose = false)
    {
        try
        {
            var runtime = Start(configFile, logLevel ?? (verbose ? "debug" : "none"));
            if (logLevel is null && !verbose)
            {
                // Nothing is logged: say the configuration's warnings plainly instead.
                foreach (var warning in runtime.Snapshot.Configuration.Warnings)
                {
                    errors.WriteLine($"verity: configuration warning: {warning}");
                }
            }

            return runtime;
        }
        catch (ConfigurationException e)
        {
            CommonOptions.ConfigError(errors, e);
            return null;
        }
    }

    /// <exception cref="ConfigurationException">The configuration cannot be used.</exception>
    public static CliRuntime Start(string configFile, string? logLevel)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => VerityLogging.Configure(logging, logLevel ?? "warn", "json", toStandardError: true));
        services.AddVerityCore(new AdmissionOptions());
        var provider = services.BuildServiceProvider();
        try
        {
            var snapshots = provider.GetRequiredService<PolicySnapshotProvider>();
            var configuration = snapshots.Loader.Load(configFile);
            var snapshot = snapshots.Use(configuration);
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Verity");
            foreach (var warning in configuration.Warnings)
            {
                Log.ConfigurationWarning(logger, warning.ToString());
            }

            return new CliRuntime(provider, snapshot);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    public void Dispose() => _services.Dispose();
}
