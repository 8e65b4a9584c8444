using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>
/// A small in-memory OCI distribution registry on 127.0.0.1 (Kestrel), with optional Basic or token auth, the
/// referrers API, and injectable faults. For what the real registry of the test bed cannot be made to do.
/// </summary>
/// <remarks>
/// Like distribution 2.8 it answers 404 to an OCI manifest whose media type is not in <c>Accept</c>. Content can be
/// stored honestly (<see cref="PutManifest(string, string, string, string[])"/>, <see cref="PutBlob"/>) or served under
/// a reference and digest header of the test's choosing (<see cref="ServeManifest"/>, <see cref="ServeBlob"/>) to
/// replay a lying registry.
/// </remarks>
public sealed class FakeRegistry : IAsyncDisposable
{
    /// <summary>The <c>service</c> of the Bearer challenge.</summary>
    public const string Service = "fake-registry";

    private readonly FakeRegistryOptions _options;
    private readonly ConcurrentDictionary<string, Repository> _repositories = new(StringComparer.Ordinal);
    private readonly FakeTokenAuthority _authority;
    private readonly FaultList _faults = new();
    private TestHttpServer? _server;

    private FakeRegistry(FakeRegistryOptions options)
    {
        _options = options;
        _authority = new FakeTokenAuthority(
            options.Auth, options.Username, options.Password, options.TokenLifetimeSeconds, "fake-registry", Service, () => TokenRealm, anonymousTokens: true);
    }

    /// <summary><c>127.0.0.1:port</c>: the registry part of image references.</summary>
    public string Registry => Server.Authority;

    /// <summary>The base URL.</summary>
    public Uri BaseUri => Server.BaseUri;

    /// <summary>The token endpoint (Bearer mode).</summary>
    public Uri TokenRealm => new(BaseUri, "token");

    /// <summary>Every request received, token requests included.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Server.Requests;

    /// <summary>How many tokens the token endpoint issued.</summary>
    public int TokensIssued => _authority.TokensIssued;

    private TestHttpServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>Starts a registry.</summary>
    public static async Task<FakeRegistry> StartAsync(FakeRegistryOptions? options = null)
    {
        var registry = new FakeRegistry(options ?? new FakeRegistryOptions());
        registry._server = await TestHttpServer.StartAsync(registry.HandleAsync, registry._options.Certificate);
        return registry;
    }

    /// <summary>sha256 of <paramref name="content"/> as <c>sha256:hex</c>.</summary>
    public static string DigestOf(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Stores a manifest under its digest and the given tags; returns the digest.</summary>
    public string PutManifest(string repository, string json, string mediaType, params string[] tags)
    {
        return PutManifest(repository, Encoding.UTF8.GetBytes(json), mediaType, tags);
    }

    /// <summary>Stores a manifest under its digest and the given tags; returns the digest.</summary>
    public string PutManifest(string repository, byte[] content, string mediaType, params string[] tags)
    {
        var digest = DigestOf(content);
        var repo = Repo(repository);
        var entry = new ManifestEntry(content, mediaType, digest);
        repo.Manifests[digest] = entry;
        foreach (var tag in tags)
        {
            repo.Manifests[tag] = entry;
        }

        return digest;
    }

    /// <summary>The manifest stored under <paramref name="reference"/> (a tag or digest), or null.</summary>
    public byte[]? TryGetManifest(string repository, string reference) =>
        Repo(repository).Manifests.TryGetValue(reference, out var entry) ? entry.Content : null;

    /// <summary>
    /// Serves <paramref name="content"/> for <paramref name="reference"/> (a tag or any digest) with the given
    /// <c>Docker-Content-Digest</c> header (none if null), whatever the content's real digest.
    /// </summary>
    public void ServeManifest(string repository, string reference, byte[] content, string mediaType, string? dockerContentDigest)
    {
        Repo(repository).Manifests[reference] = new ManifestEntry(content, mediaType, dockerContentDigest);
    }

    /// <summary>Stores a blob under its digest; returns the digest.</summary>
    public string PutBlob(string repository, byte[] content)
    {
        var digest = DigestOf(content);
        Repo(repository).Blobs[digest] = content;
        return digest;
    }

    /// <summary>Serves <paramref name="content"/> as blob <paramref name="digest"/>, whatever its real digest.</summary>
    public void ServeBlob(string repository, string digest, byte[] content) => Repo(repository).Blobs[digest] = content;

    /// <summary>Stores a small OCI image (config blob, one layer blob, manifest) under <paramref name="tags"/>; returns the manifest digest.</summary>
    public string PutImage(string repository, string layerText, params string[] tags)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var layer = Encoding.UTF8.GetBytes(layerText);
        var configDigest = PutBlob(repository, config);
        var layerDigest = PutBlob(repository, layer);
        var manifest = $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
            """;
        return PutManifest(repository, manifest.Trim(), "application/vnd.oci.image.manifest.v1+json", tags);
    }

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

    /// <summary>Invalidates every issued token (the registry will answer 401 to them).</summary>
    public void RevokeTokens() => _authority.Revoke();

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => Server.ClearRequests();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private Repository Repo(string name) => _repositories.GetOrAdd(name, _ => new Repository());

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

        var (name, kind, reference) = Route(path);
        if (!await _authority.AuthorizeAsync(context, name))
        {
            return;
        }

        context.Response.Headers["Docker-Distribution-Api-Version"] = "registry/2.0";
        switch (kind)
        {
            case "":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{}");
                break;
            case "manifests":
                await ServeManifestAsync(context, name!, reference!);
                break;
            case "blobs":
                await ServeBlobAsync(context, name!, reference!);
                break;
            case "referrers":
                await ServeReferrersAsync(context, name!, reference!);
                break;
            case "tags":
                await ServeTagsAsync(context, name!);
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private static (string? Name, string Kind, string? Reference) Route(string path)
    {
        if (path == "/v2/")
        {
            return (null, string.Empty, null);
        }

        var rest = path["/v2/".Length..];
        if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            return (rest[..^"/tags/list".Length], "tags", null);
        }

        foreach (var kind in (ReadOnlySpan<string>)["manifests", "blobs", "referrers"])
        {
            var marker = "/" + kind + "/";
            var at = rest.LastIndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                return (rest[..at], kind, rest[(at + marker.Length)..]);
            }
        }

        return (null, "unknown", null);
    }

    private async Task ServeManifestAsync(HttpContext context, string name, string reference)
    {
        if (!_repositories.TryGetValue(name, out var repo) || !repo.Manifests.TryGetValue(reference, out var entry))
        {
            await RegistryFaults.WriteErrorAsync(context, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }

        var accept = context.Request.Headers.Accept.ToString();
        if (entry.MediaType.StartsWith("application/vnd.oci.", StringComparison.Ordinal) && !accept.Contains(entry.MediaType, StringComparison.Ordinal))
        {
            // distribution 2.8: "OCI manifest found, but accept header does not support OCI manifests".
            await RegistryFaults.WriteErrorAsync(context, 404, "MANIFEST_UNKNOWN", "OCI manifest found, but accept header does not support OCI manifests");
            return;
        }

        context.Response.ContentType = entry.MediaType;
        context.Response.ContentLength = entry.Content.Length;
        if (entry.DockerContentDigest is not null)
        {
            context.Response.Headers["Docker-Content-Digest"] = entry.DockerContentDigest;
        }

        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(entry.Content);
        }
    }

    private async Task ServeBlobAsync(HttpContext context, string name, string digest)
    {
        if (!_repositories.TryGetValue(name, out var repo) || !repo.Blobs.TryGetValue(digest, out var content))
        {
            await RegistryFaults.WriteErrorAsync(context, 404, "BLOB_UNKNOWN", "blob unknown to registry");
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = content.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(content);
        }
    }

    private async Task ServeReferrersAsync(HttpContext context, string name, string digest)
    {
        if (!_options.ReferrersApi)
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n");
            return;
        }

        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = _options.ReferrersFilter && artifactType.Length > 0;
        var manifests = new JsonArray();
        if (_repositories.TryGetValue(name, out var repo))
        {
            foreach (var (key, entry) in repo.Manifests.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!key.StartsWith("sha256:", StringComparison.Ordinal) || JsonNode.Parse(entry.Content) is not JsonObject manifest
                    || manifest["subject"]?["digest"]?.GetValue<string>() != digest)
                {
                    continue;
                }

                var type = manifest["artifactType"]?.GetValue<string>() ?? manifest["config"]?["mediaType"]?.GetValue<string>();
                if (filter && type != artifactType)
                {
                    continue;
                }

                var descriptor = new JsonObject
                {
                    ["mediaType"] = entry.MediaType,
                    ["digest"] = key,
                    ["size"] = entry.Content.Length,
                    ["artifactType"] = type,
                };
                if (manifest["annotations"] is JsonObject annotations)
                {
                    descriptor["annotations"] = annotations.DeepClone();
                }

                manifests.Add(descriptor);
            }
        }

        if (filter)
        {
            context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        }

        context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json", ["manifests"] = manifests };
        await context.Response.WriteAsync(index.ToJsonString());
    }

    private async Task ServeTagsAsync(HttpContext context, string name)
    {
        if (!_repositories.TryGetValue(name, out var repo))
        {
            await RegistryFaults.WriteErrorAsync(context, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }

        var tags = repo.Manifests.Keys.Where(k => !k.StartsWith("sha256:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var last = context.Request.Query["last"].ToString();
        if (last.Length > 0)
        {
            tags = [.. tags.Where(t => string.CompareOrdinal(t, last) > 0)];
        }

        if ((int.TryParse(context.Request.Query["n"], out var n) || (_options.TagPageSize is { } pageSize && (n = pageSize) > 0)) && n < tags.Count)
        {
            tags = tags[..n];
            context.Response.Headers.Link = $"</v2/{name}/tags/list?n={n}&last={Uri.EscapeDataString(tags[^1])}>; rel=\"next\"";
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { name, tags }));
    }

    private sealed record ManifestEntry(byte[] Content, string MediaType, string? DockerContentDigest);

    private sealed class Repository
    {
        public ConcurrentDictionary<string, ManifestEntry> Manifests { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);
    }
}
