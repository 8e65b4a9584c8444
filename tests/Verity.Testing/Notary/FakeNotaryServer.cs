using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Verity.Testing.Registry;

namespace Verity.Testing.Notary;

/// <summary>
/// A Notary v1 server on 127.0.0.1 (Kestrel) that serves trust data it is given — typically real bytes copied at test
/// time from the test bed's notary-server (<see cref="CopyFromAsync"/>) — with optional Basic or Docker token auth and
/// injectable faults. For what the real server of the test bed cannot be made to do (it has no auth, never stalls).
/// </summary>
/// <remarks>
/// Routes as notary-server does: <c>GET /v2/</c>, <c>GET /v2/&lt;gun&gt;/_trust/tuf/&lt;role&gt;.json</c> (404
/// <c>METADATA_NOT_FOUND</c> when absent), and in Bearer mode <c>GET /token?service=…&amp;scope=repository:&lt;gun&gt;:pull</c>,
/// whose opaque tokens grant exactly the scopes asked for.
/// </remarks>
public sealed class FakeNotaryServer : IAsyncDisposable
{
    /// <summary>The <c>service</c> of the Bearer challenge.</summary>
    public const string Service = "notary-server";

    private const string TrustPath = "/_trust/tuf/";

    private readonly FakeNotaryServerOptions _options;
    private readonly ConcurrentDictionary<(string Gun, string Role), byte[]> _files = new();
    private readonly FakeTokenAuthority _authority;
    private readonly FaultList _faults = new();
    private TestHttpServer? _server;

    private FakeNotaryServer(FakeNotaryServerOptions options)
    {
        _options = options;
        _authority = new FakeTokenAuthority(
            options.Auth, options.Username, options.Password, options.TokenLifetimeSeconds, "fake-notary", Service, () => TokenRealm, anonymousTokens: false);
    }

    /// <summary>The base URL, e.g. <c>https://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri => Server.BaseUri;

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Authority => Server.Authority;

    /// <summary>The token endpoint (Bearer mode).</summary>
    public Uri TokenRealm => new(BaseUri, "token");

    /// <summary>Every request received, token requests included.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Server.Requests;

    /// <summary>How many tokens the token endpoint issued.</summary>
    public int TokensIssued => _authority.TokensIssued;

    private TestHttpServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>Starts a server.</summary>
    public static async Task<FakeNotaryServer> StartAsync(FakeNotaryServerOptions? options = null)
    {
        var server = new FakeNotaryServer(options ?? new FakeNotaryServerOptions());
        server._server = await TestHttpServer.StartAsync(server.HandleAsync, server._options.Certificate);
        return server;
    }

    /// <summary>
    /// Downloads <paramref name="roles"/> of <paramref name="gun"/> from a real Notary server, byte for byte; roles the
    /// server does not have are left out.
    /// </summary>
    /// <param name="client">An HTTP client that trusts the server.</param>
    /// <param name="notary">The server's base URL.</param>
    /// <param name="gun">The collection.</param>
    /// <param name="roles">The roles, e.g. <c>root</c>, <c>targets/releases</c>.</param>
    /// <param name="cancellationToken">The test's token.</param>
    public static async Task<Dictionary<string, byte[]>> CopyFromAsync(
        HttpClient client, Uri notary, string gun, IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(notary);
        ArgumentNullException.ThrowIfNull(roles);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            using var response = await client.GetAsync(new Uri(notary, $"v2/{gun}/_trust/tuf/{role}.json"), cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                continue;
            }

            response.EnsureSuccessStatusCode();
            files[role] = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        return files;
    }

    /// <summary>Serves <paramref name="content"/> as <paramref name="role"/> of <paramref name="gun"/>.</summary>
    public void Put(string gun, string role, byte[] content) => _files[(gun, role)] = content;

    /// <summary>Serves every file of <paramref name="files"/> (role → bytes) for <paramref name="gun"/>.</summary>
    public void PutAll(string gun, IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var (role, content) in files)
        {
            Put(gun, role, content);
        }
    }

    /// <summary>Stops serving <paramref name="role"/> of <paramref name="gun"/> (404 from now on).</summary>
    public void Remove(string gun, string role) => _files.TryRemove((gun, role), out _);

    /// <summary>Adds a fault; faults are consulted in order before normal handling.</summary>
    public T AddFault<T>(T fault)
        where T : IRegistryFault
    {
        return _faults.Add(fault);
    }

    /// <summary>Removes all faults.</summary>
    public void ClearFaults()
    {
        _faults.Clear();
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => Server.ClearRequests();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        if (await _faults.TryHandleAsync(context))
        {
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        if (path == "/token" && _options.Auth == FakeRegistryAuth.Bearer)
        {
            await _authority.IssueTokenAsync(context);
            return;
        }

        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        string? gun = null;
        string? role = null;
        var at = path.IndexOf(TrustPath, StringComparison.Ordinal);
        if (at > "/v2/".Length && path.EndsWith(".json", StringComparison.Ordinal))
        {
            gun = path["/v2/".Length..at];
            role = path[(at + TrustPath.Length)..^".json".Length];
        }

        if (!await _authority.AuthorizeAsync(context, gun))
        {
            return;
        }

        if (path == "/v2/")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{}");
            return;
        }

        if (gun is null || role is null || !_files.TryGetValue((gun, role), out var content))
        {
            await RegistryFaults.WriteErrorAsync(context, 404, "METADATA_NOT_FOUND", "You have requested metadata that does not exist.");
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content);
    }
}
