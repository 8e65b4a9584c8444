using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Verity.Testing;

/// <summary>A real HTTP(S) server (Kestrel) on 127.0.0.1 that runs one handler and records every request.</summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests;

    private TestHttpServer(WebApplication app, ConcurrentQueue<RecordedRequest> requests, Uri baseUri)
    {
        _app = app;
        _requests = requests;
        BaseUri = baseUri;
    }

    /// <summary>The base URL, e.g. <c>https://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>127.0.0.1:port</c>, as a registry name in image references.</summary>
    public string Authority => BaseUri.Authority;

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Starts a server.</summary>
    /// <param name="handler">Handles every request.</param>
    /// <param name="certificate">Serve HTTPS with this certificate; null for plain HTTP.</param>
    /// <param name="port">The port; 0 picks a free one.</param>
    public static async Task<TestHttpServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var requests = new ConcurrentQueue<RecordedRequest>();
        app.Run(async context =>
        {
            var headers = context.Request.Headers;
            requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                headers.Authorization.Count > 0 ? headers.Authorization.ToString() : null,
                headers.Accept.Count > 0 ? headers.Accept.ToString() : null,
                context.Connection.Id));
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address);
        var scheme = certificate is null ? "http" : "https";
        return new TestHttpServer(app, requests, new Uri($"{scheme}://127.0.0.1:{bound.Port}/"));
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
