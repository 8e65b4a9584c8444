using Verity.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Cluster;
using Verity.Core.Cluster;
using Verity.Registry.Client;
using System.Globalization;
using System.Text;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Verity.Admission;
using Verity.Core.Configuration;
using Verity.Core.Validation;
using Verity.Logging;
using Verity.Reports;

namespace Verity.Hosting;

/// <summary>
/// Builds the webhook server: Kestrel over TLS 1.2+, <c>POST /mutate</c>, <c>GET /health</c>,
/// <c>GET /ready</c> (200 once a configuration is loaded; its body also says whether the shared cache is degraded),
/// <c>GET /metrics</c>, a request body limit and graceful shutdown.
/// </summary>
internal static class WebhookHost
{
    /// <summary>Builds (but does not start) the server.</summary>
    /// <exception cref="ConfigurationException">The configuration cannot be loaded.</exception>
    public static WebApplication Build(ServeOptions options, Action<IServiceCollection>? configureServices = null)
    {
        // Without certificate files the server's certificate is generated: on the thread pool, while the host is built
        // (key generation and signing are the first use of OpenSSL's EC code).
        bool fromFiles = options.TlsCertFile is not null && options.TlsKeyFile is not null;
        var generated = fromFiles ? null : Task.Run(() => CertificateProvider.CreateSelfSigned(DateTimeOffset.UtcNow));

        // No file watchers for the host's own (unused) appsettings files: Verity watches its configuration itself.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        var admission = new AdmissionOptions();
        if (options.Timeout is { } timeout)
        {
            admission = admission with { Timeout = timeout };
        }

        builder.Services.AddVerityCore(admission, new Alerting.AlertingOptions
        {
            TemplatesDirectory = options.AlertTemplatesDirectory ?? Alerting.AlertingOptions.DefaultTemplatesDirectory,
            PodName = options.PodName ?? (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName),
        });
        if (options.Kubeconfig is { Length: > 0 } kubeconfig)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<k8s.IKubernetes>(_ =>
                KubernetesClusterAccess.Create(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig))));
        }

        if (options.StateDirectory is { Length: > 0 } stateDirectory)
        {
            builder.Services.AddSingleton(new ValidatorStateOptions { Directory = stateDirectory });
        }

        if (options.Redis is { } redis)
        {
            builder.Services.AddVeritySharedCache(redis);
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Caching.RedisConnection>());
        }

        if (options.SecretsNamespace is { Length: > 0 } secretsNamespace)
        {
            builder.Services.AddVerityKubernetesSecrets(secretsNamespace);
        }
        else if (options.SecretsDirectory is { Length: > 0 } secretsDirectory)
        {
            // Local use: auth secrets are <dir>/<name>/ (Connaisseur's mount layout), and the cluster port reads
            // k8s://<namespace>/<secret> keys from <dir>/<namespace>/<secret>/.
            builder.Services.AddVerityMountedSecrets(secretsDirectory);
            builder.Services.Replace(ServiceDescriptor.Singleton<IClusterAccess>(new DirectoryClusterAccess(secretsDirectory)));
        }

        configureServices?.Invoke(builder.Services);

        // Read the configuration before anything listens: a broken file stops the server here. The types are the
        // ones registered above (the container's loader reads with the same ones).
        var types = builder.Services
            .Where(d => d.ServiceType == typeof(IValidatorType) && d.ImplementationInstance is IValidatorType)
            .Select(d => (IValidatorType)d.ImplementationInstance!);
        var configuration = new ConfigLoader(new ValidatorTypeRegistry(types)).Load(options.ConfigFile);
        builder.Logging.ClearProviders();
        VerityLogging.Configure(builder.Logging, options.LogLevel ?? configuration.Logging.Level, configuration.Logging.Format);
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Verity.Tls");
            var time = sp.GetRequiredService<TimeProvider>();
            return fromFiles
                ? CertificateProvider.FromFiles(options.TlsCertFile!, options.TlsKeyFile!, logger, time)
                : CertificateProvider.SelfSigned(generated!.GetAwaiter().GetResult(), logger, time);
        });
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PolicyReportWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Alerting.AlertQueue>());

        builder.Services.AddSingleton<WarmUpState>();
        builder.Services.AddSingleton(sp => new StartupWarmUp(
            sp, sp.GetRequiredService<PolicySnapshotProvider>(), sp.GetRequiredService<WarmUpState>(), options.WarmUpTimeout,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StartupWarmUp>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupWarmUp>());
        builder.Services.AddHostedService(sp => new ConfigReloader(
            options.ConfigFile, options.ReloadInterval, sp.GetRequiredService<PolicySnapshotProvider>(), sp.GetRequiredService<ILogger<ConfigReloader>>()));

        var endpoints = options.Urls.Select(ParseUrl).ToList();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = admission.MaxRequestBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            var certificates = kestrel.ApplicationServices.GetRequiredService<CertificateProvider>();
            foreach (var (address, port, https) in endpoints)
            {
                kestrel.Listen(address, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    if (https)
                    {
                        // ALPN (h2, http/1.1) is added by Kestrel from listen.Protocols when the options leave it unset.
                        listen.UseHttps(new TlsHandshakeCallbackOptions
                        {
                            OnConnection = async _ => new SslServerAuthenticationOptions
                            {
                                ServerCertificateContext = await certificates.CurrentContextAsync(),
                                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                            },
                        });
                    }
                });
            }
        });

        var app = builder.Build();
        var snapshots = app.Services.GetRequiredService<PolicySnapshotProvider>();
        var snapshot = snapshots.Use(configuration);
        app.Services.GetRequiredService<StartupWarmUp>().Begin(); // the validators exist: warm them while the host finishes
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Verity");
        Log.ConfigurationLoaded(log, configuration.Source, configuration.Layout.ToString(), configuration.Validators.Length, snapshot.Policy.Rules.Length);
        foreach (var warning in configuration.Warnings)
        {
            Log.ConfigurationWarning(log, warning.ToString());
        }

        MapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() =>
            Log.Listening(log, string.Join(", ", app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])));
        return app;
    }

    /// <summary>The addresses the started server listens on.</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        return [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
    }

    private static void MapEndpoints(WebApplication app)
    {
        var handler = app.Services.GetRequiredService<AdmissionHandler>();
        var snapshots = app.Services.GetRequiredService<PolicySnapshotProvider>();
        var sharedCache = app.Services.GetRequiredService<Caching.SharedCacheHealth>();
        var warmUp = app.Services.GetRequiredService<WarmUpState>();
        var maxBytes = app.Services.GetRequiredService<AdmissionOptions>().MaxRequestBytes;

        // One terminal RequestDelegate instead of endpoint routing: four fixed paths need no route table, and routing's
        // matcher (built with IL emit at the first request) and endpoint metadata cost a cold start tens of milliseconds
        // and every request a little. Paths match as routing matched them: case-insensitive, one trailing slash allowed;
        // a known path with another method is 405 with Allow, any other path 404.
        RequestDelegate health = context => Text(context, 200, "ok\n");

        // A degraded shared cache is reported, never unready: validation goes on without it.
        RequestDelegate ready = context => snapshots.Current is null ? Text(context, 503, "no configuration loaded\n")
            : !warmUp.IsDone ? Text(context, 503, "warming up\n")
            : Text(context, 200, sharedCache.Describe() is { } cache ? $"ready\n{cache}\n" : "ready\n");
        var metrics = app.Services.GetRequiredService<VerityMetrics>();
        RequestDelegate exportMetrics = async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.ExportAsync(context.Response.Body, context.RequestAborted);
        };
        RequestDelegate mutate = async context =>
        {
            metrics.RequestReceived();
            var request = context.Request;
            var response = context.Response;
            if (!HttpMethods.IsPost(request.Method))
            {
                response.StatusCode = 405;
                response.Headers.Allow = "POST";
                await response.WriteAsync($"Method not allowed.: {request.Method}\n", context.RequestAborted);
                return;
            }

            var contentType = request.ContentType;
            if (contentType is null || !IsJson(contentType))
            {
                response.StatusCode = 400;
                await response.WriteAsync($"wrong content type: expected json, got {contentType}\n", context.RequestAborted);
                return;
            }

            byte[] body;
            try
            {
                body = await ReadBodyAsync(request, maxBytes, context.RequestAborted);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
            {
                response.StatusCode = e.StatusCode;
                await response.WriteAsync($"cannot read the request: {e.Message}\n", context.RequestAborted);
                return;
            }
            catch (EndOfStreamException)
            {
                response.StatusCode = 400;
                await response.WriteAsync("cannot read the request: the body is shorter than its Content-Length\n", context.RequestAborted);
                return;
            }

            var result = await handler.HandleAsync(body, ParseTimeout(request.Query["timeout"]), context.RequestAborted);
            response.StatusCode = result.StatusCode;
            response.ContentType = result.ContentType;
            response.ContentLength = result.Body.Length;
            await response.Body.WriteAsync(result.Body, context.RequestAborted);
        };

        app.Run(context =>
        {
            var path = context.Request.Path.Value.AsSpan();
            if (path.Length > 1 && path[^1] == '/')
            {
                path = path[..^1];
            }

            var (endpoint, getOnly) = path.Equals("/mutate", StringComparison.OrdinalIgnoreCase) ? (mutate, false)
                : path.Equals("/health", StringComparison.OrdinalIgnoreCase) ? (health, true)
                : path.Equals("/ready", StringComparison.OrdinalIgnoreCase) ? (ready, true)
                : path.Equals("/metrics", StringComparison.OrdinalIgnoreCase) ? (exportMetrics, true)
                : (null, false);
            if (endpoint is null)
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            }

            if (getOnly && !HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = 405;
                context.Response.Headers.Allow = "GET";
                return Task.CompletedTask;
            }

            return endpoint(context);
        });
    }

    /// <summary>A UTF-8 <c>text/plain</c> answer, as <c>Results.Text</c> writes it.</summary>
    private static Task Text(HttpContext context, int statusCode, string text)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>Whether the media type (before any <c>;</c> parameters) is <c>application/json</c>.</summary>
    internal static bool IsJson(string contentType)
    {
        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        return (semicolon < 0 ? span : span[..semicolon]).Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        // The API server sends Content-Length: read straight into an array of that size (one copy, no growth). Kestrel
        // answers a longer declared length with 413 when it is read (below), so no larger array is ever allocated here.
        if (request.ContentLength is { } declared && declared >= 0 && declared <= maxBytes)
        {
            var body = new byte[(int)declared];
            await request.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }

        using var buffer = new MemoryStream(16 * 1024);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Parses the API server's <c>?timeout=</c> (a Go duration such as <c>10s</c> or <c>1m30s</c>).</summary>
    internal static TimeSpan? ParseTimeout(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var total = TimeSpan.Zero;
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            int digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            int unit = digits;
            while (unit < rest.Length && char.IsAsciiLetter(rest[unit]))
            {
                unit++;
            }

            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            total += rest[digits..unit] switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                _ => TimeSpan.MinValue,
            };
            if (total < TimeSpan.Zero)
            {
                return null;
            }

            rest = rest[unit..];
        }

        return total;
    }

    private static (IPAddress Address, int Port, bool Https) ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new ConfigurationException($"--urls: \"{url}\" is not an http(s) URL such as https://127.0.0.1:8443");
        }

        var host = uri.Host.Trim('[', ']');
        IPAddress address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" or "0.0.0.0" => IPAddress.Any,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => throw new ConfigurationException($"--urls: \"{url}\" must name an IP address (or localhost)"),
        };
        return (address, uri.Port, uri.Scheme == "https");
    }
}
