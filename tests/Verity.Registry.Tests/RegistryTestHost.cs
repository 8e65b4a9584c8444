using Verity.Registry.Client;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Registry.Auth;

using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

/// <summary>
/// A service provider with <c>AddVerityRegistry</c>, fast retry settings, and a counter of the HTTP round trips its
/// clients make (from the <c>verity.registry.requests</c> metric of this provider's own meter factory).
/// </summary>
internal sealed class RegistryTestHost : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly RegistryRequestRecorder _recorder;

    public RegistryTestHost(
        Action<RegistryClientOptions>? configure = null, TimeProvider? time = null, ISecretSource? secrets = null, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (secrets is not null)
        {
            services.AddSingleton(secrets);
        }

        services.AddVerityRegistry(options =>
        {
            options.RequestTimeout = TimeSpan.FromSeconds(10);
            options.InitialBackoff = TimeSpan.FromMilliseconds(20);
            options.MaxBackoff = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(options);
        });
        _provider = services.BuildServiceProvider();
        _recorder = new RegistryRequestRecorder(_provider.GetRequiredService<IMeterFactory>());
        Factory = _provider.GetRequiredService<IRegistryClientFactory>();
    }

    public IRegistryClientFactory Factory { get; }

    public IServiceProvider Services => _provider;

    /// <summary>Round trips so far (token requests and redirect hops included).</summary>
    public int RequestCount => _recorder.Count;

    /// <summary>Round trips of one operation (<c>manifest</c>, <c>blob</c>, <c>token</c>, …).</summary>
    public int Count(string operation) => _recorder.CountOf(operation);

    public void ResetCount() => _recorder.Clear();

    public IRegistryClient Client(RegistryClientSettings settings) => Factory.Create(settings);

    public void Dispose()
    {
        _recorder.Dispose();
        _provider.Dispose();
    }
}
