using System.Net.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Verity.Hosting;
using Verity.Tests.Admission;

namespace Verity.Tests.Hosting;

/// <summary>The real webhook (Kestrel, TLS) on a free loopback port, with the mock validator or the real ones.</summary>
internal sealed class WebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SocketsHttpHandler _handler;

    private WebhookServer(WebApplication app, string configFile, SocketsHttpHandler handler, HttpClient client)
    {
        _app = app;
        ConfigFile = configFile;
        _handler = handler;
        Client = client;
    }

    public string ConfigFile { get; }

    public HttpClient Client { get; }

    public Uri Address => Client.BaseAddress!;

    public IServiceProvider Services => _app.Services;

    /// <param name="configYaml">The configuration.</param>
    /// <param name="reloadInterval">How often the configuration file is checked; never by default.</param>
    /// <param name="tls">Changes to the client's TLS options.</param>
    /// <param name="realValidators">Keep the executable's validator factories instead of the mock.</param>
    /// <param name="services">Further service changes, applied last.</param>
    /// <param name="kubeconfig">The API server (a stand-in) to use, if any.</param>
    /// <param name="redis">The shared cache, if any.</param>
    /// <param name="warmUpTimeout">The start-up warm-up's deadline; <c>StartAsync</c> returns after the warm-up.</param>
    /// <param name="timeout">The webhook's timeout (<c>serve --timeout</c>); requests are decided a second before it.</param>
    public static async Task<WebhookServer> StartAsync(
        string configYaml,
        TimeSpan? reloadInterval = null,
        Action<SslClientAuthenticationOptions>? tls = null,
        bool realValidators = false,
        Action<IServiceCollection>? services = null,
        string? kubeconfig = null,
        Verity.Caching.RedisOptions? redis = null,
        TimeSpan? warmUpTimeout = null,
        TimeSpan? timeout = null)
    {
        var dir = Directory.CreateTempSubdirectory("verity-test-");
        var configFile = Path.Combine(dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(configFile, configYaml);
        var app = WebhookHost.Build(
            new ServeOptions
            {
                ConfigFile = configFile,
                Urls = ["https://127.0.0.1:0"],
                LogLevel = "error",
                ReloadInterval = reloadInterval ?? TimeSpan.Zero,
                Kubeconfig = kubeconfig,
                Redis = redis,
                WarmUpTimeout = warmUpTimeout ?? TimeSpan.FromSeconds(3),
                Timeout = timeout,
            },
            collection =>
            {
                if (!realValidators)
                {
                    new MockValidatorFactory().ReplaceStatic(collection);
                }

                services?.Invoke(collection);
            });
        await app.StartAsync();
        var certificate = app.Services.GetRequiredService<CertificateProvider>().Current;
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
        };
        tls?.Invoke(ssl);
        var handler = new SocketsHttpHandler { SslOptions = ssl };
        var client = new HttpClient(handler) { BaseAddress = new Uri(WebhookHost.Addresses(app)[0]), Timeout = TimeSpan.FromSeconds(30) };
        return new WebhookServer(app, configFile, handler, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _handler.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(ConfigFile)!, recursive: true);
    }
}
