using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>
/// A read-only OCI distribution registry on 127.0.0.1 that serves a folder of signature fixtures in place: the C#
/// counterpart of the shared test bed's <c>fixture-registry.py</c>.
/// </summary>
/// <remarks>
/// <para>Layout (as in Connaisseur's <c>test/testdata/cosign</c> and <c>notation</c>):
/// <c>ROOT/&lt;repository&gt;/manifests/&lt;tag&gt;.json</c> (a tag, including cosign <c>sha256-&lt;hex&gt;.sig</c> tags),
/// <c>ROOT/&lt;repository&gt;/manifests/sha256:&lt;hex&gt;.json</c> and <c>ROOT/&lt;repository&gt;/blobs/sha256:&lt;hex&gt;.json</c>.
/// The files are read where they are when the registry starts; nothing is copied.</para>
/// <para>Every manifest is also served by the sha256 of its bytes, <c>Docker-Content-Digest</c> is always that sha256
/// and <c>Content-Type</c> the manifest's own <c>mediaType</c> (OCI image manifest when absent), so a client can check
/// what it receives. Endpoints: <c>/v2/</c>, manifests (GET, HEAD), blobs (GET, HEAD), <c>tags/list</c>, and the OCI 1.1
/// referrers API built from the manifests' <c>subject</c> fields (404 when <c>referrersApi</c> is false, so that
/// clients fall back to the referrers tag schema).</para>
/// </remarks>
public sealed partial class FixtureRegistry : IAsyncDisposable
{
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";

    private readonly Dictionary<string, Repository> _repositories;
    private readonly bool _referrersApi;
    private TestHttpServer? _server;

    private FixtureRegistry(Dictionary<string, Repository> repositories, bool referrersApi)
    {
        _repositories = repositories;
        _referrersApi = referrersApi;
    }

    /// <summary><c>127.0.0.1:port</c>: the registry part of image references.</summary>
    public string Registry => Server.Authority;

    /// <summary>Every request received.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Server.Requests;

    /// <summary>The repositories served, e.g. <c>securesystemsengineering/testimage</c>.</summary>
    public IReadOnlyCollection<string> Repositories => _repositories.Keys;

    private TestHttpServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>Starts a registry over <paramref name="root"/>.</summary>
    /// <param name="root">The fixture folder.</param>
    /// <param name="certificate">Serve HTTPS with this certificate; null for plain HTTP.</param>
    /// <param name="referrersApi">Whether the referrers API answers (else 404, as distribution 2.8).</param>
    public static async Task<FixtureRegistry> StartAsync(string root, X509Certificate2? certificate = null, bool referrersApi = true)
    {
        var registry = new FixtureRegistry(Load(root), referrersApi);
        registry._server = await TestHttpServer.StartAsync(registry.HandleAsync, certificate);
        return registry;
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => Server.ClearRequests();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static Dictionary<string, Repository> Load(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"fixture folder {root} not found");
        }

        var repositories = new Dictionary<string, Repository>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            var kind = Path.GetFileName(dir);
            if (kind is not ("manifests" or "blobs"))
            {
                continue;
            }

            var name = Path.GetRelativePath(root, Path.GetDirectoryName(dir)!).Replace(Path.DirectorySeparatorChar, '/');
            if (!repositories.TryGetValue(name, out var repository))
            {
                repositories[name] = repository = new Repository();
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
            {
                var reference = Path.GetFileNameWithoutExtension(file);
                var content = File.ReadAllBytes(file);
                var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
                if (kind == "blobs")
                {
                    repository.Blobs[DigestRegex().IsMatch(reference) ? reference : digest] = content;
                    continue;
                }

                repository.Manifests[digest] = content;
                if (!DigestRegex().IsMatch(reference))
                {
                    repository.Tags[reference] = content;
                }
            }
        }

        return repositories;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var head = HttpMethods.IsHead(context.Request.Method);
        var path = context.Request.Path.Value ?? "/";
        if (path is "/v2" or "/v2/")
        {
            await SendAsync(context, 200, "{}"u8.ToArray(), "application/json", null, head);
            return;
        }

        var match = RouteRegex().Match(path);
        if (!match.Success || !_repositories.TryGetValue(match.Groups["repo"].Value, out var repository))
        {
            await ErrorAsync(context, 404, "NAME_UNKNOWN", "repository name not known to registry", head);
            return;
        }

        var reference = match.Groups["ref"].Value;
        switch (match.Groups["kind"].Value)
        {
            case "tags" when reference == "list":
                var tags = JsonSerializer.SerializeToUtf8Bytes(new { name = match.Groups["repo"].Value, tags = repository.Tags.Keys.Order(StringComparer.Ordinal) });
                await SendAsync(context, 200, tags, "application/json", null, head);
                break;
            case "manifests":
                var manifest = DigestRegex().IsMatch(reference) ? repository.Manifests.GetValueOrDefault(reference) : repository.Tags.GetValueOrDefault(reference);
                if (manifest is null)
                {
                    await ErrorAsync(context, 404, "MANIFEST_UNKNOWN", "manifest unknown", head);
                    return;
                }

                await SendAsync(context, 200, manifest, MediaType(manifest), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)), head);
                break;
            case "blobs":
                if (!repository.Blobs.TryGetValue(reference, out var blob))
                {
                    await ErrorAsync(context, 404, "BLOB_UNKNOWN", "blob unknown to registry", head);
                    return;
                }

                await SendAsync(context, 200, blob, "application/octet-stream", reference, head);
                break;
            case "referrers" when _referrersApi:
                await SendAsync(context, 200, Referrers(repository, reference, context.Request.Query["artifactType"].ToString()), OciIndex, null, head);
                break;
            default:
                await ErrorAsync(context, 404, "NOT_FOUND", "unknown path", head);
                break;
        }
    }

    private static byte[] Referrers(Repository repository, string subject, string artifactType)
    {
        var manifests = new JsonArray();
        foreach (var (digest, content) in repository.Manifests.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (JsonNode.Parse(content) is not JsonObject manifest || manifest["subject"]?["digest"]?.GetValue<string>() != subject)
            {
                continue;
            }

            var type = manifest["artifactType"]?.GetValue<string>() ?? manifest["config"]?["mediaType"]?.GetValue<string>();
            if (artifactType.Length > 0 && type != artifactType)
            {
                continue;
            }

            var descriptor = new JsonObject { ["mediaType"] = MediaType(content), ["digest"] = digest, ["size"] = content.Length };
            if (type is not null)
            {
                descriptor["artifactType"] = type;
            }

            if (manifest["annotations"] is JsonObject annotations)
            {
                descriptor["annotations"] = annotations.DeepClone();
            }

            manifests.Add(descriptor);
        }

        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = OciIndex, ["manifests"] = manifests });
    }

    private static string MediaType(byte[] manifest)
    {
        try
        {
            return JsonNode.Parse(manifest)?["mediaType"]?.GetValue<string>() ?? OciManifest;
        }
        catch (JsonException)
        {
            return OciManifest;
        }
    }

    private static async Task SendAsync(HttpContext context, int status, byte[] body, string contentType, string? digest, bool head)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        context.Response.Headers["Docker-Distribution-Api-Version"] = "registry/2.0";
        if (digest is not null)
        {
            context.Response.Headers["Docker-Content-Digest"] = digest;
        }

        if (!head)
        {
            await context.Response.Body.WriteAsync(body);
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message, bool head)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code, message } } });
        return SendAsync(context, status, body, "application/json", null, head);
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestRegex();

    [GeneratedRegex("^/v2/(?<repo>.+)/(?<kind>manifests|blobs|referrers|tags)/(?<ref>[^/]+)$")]
    private static partial Regex RouteRegex();

    private sealed class Repository
    {
        public Dictionary<string, byte[]> Tags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, byte[]> Manifests { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);
    }
}
