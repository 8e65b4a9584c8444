using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Kubernetes;

/// <summary>
/// A stand-in for the Kubernetes API server over HTTPS on 127.0.0.1, answering the requests KubernetesClient makes for
/// namespaces, workloads and policy reports, and recording them (with bodies) for tests to assert on.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, string Path, string Body)> _log = new();
    private readonly ConcurrentQueue<Registry.IRegistryFault> _faults = new();
    private readonly TestPki _pki;
    private TestHttpServer _server = null!;
    private int _resourceVersion;

    private FakeKubernetesApi(TestPki pki)
    {
        _pki = pki;
    }

    /// <summary>Every request: method, path and body.</summary>
    public IReadOnlyList<(string Method, string Path, string Body)> Requests => [.. _log];

    /// <summary>Answers paths starting with this with HTTP 500.</summary>
    public string? FailPrefix { get; set; }

    /// <summary>Paths starting with this never get an answer (until the client gives up).</summary>
    public string? HangPrefix { get; set; }

    /// <summary>The stand-in's PKI: its CA is the one kubeconfigs written here trust.</summary>
    public TestPki Pki => _pki;

    /// <summary>The server's base address.</summary>
    public Uri BaseUri => _server.BaseUri;

    /// <summary>Starts the stand-in.</summary>
    /// <param name="certificate">
    /// Picks the server's TLS certificate from the stand-in's own PKI (whose CA the kubeconfig trusts), e.g. one for
    /// another name or an expired one; by default one for 127.0.0.1.
    /// </param>
    public static async Task<FakeKubernetesApi> StartAsync(Func<TestPki, X509Certificate2>? certificate = null)
    {
        var api = new FakeKubernetesApi(TestPki.Create("kubernetes"));
        api._server = await TestHttpServer.StartAsync(api.HandleAsync, certificate?.Invoke(api._pki) ?? api._pki.ServerCertificate);
        return api;
    }

    /// <summary>
    /// Adds a misbehaviour (the registry stand-ins' faults serve here too), consulted in order before every request is
    /// served normally.
    /// </summary>
    public void AddFault(Registry.IRegistryFault fault) => _faults.Enqueue(fault);

    /// <summary>Writes a kubeconfig for this server (its CA trusted, a bearer token) and returns its path.</summary>
    /// <param name="directory">Where to write it.</param>
    /// <param name="server">Another address for the cluster (e.g. a closed port), with this server's CA.</param>
    public string WriteKubeconfig(string directory, Uri? server = null)
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(_pki.CaCertificate.ExportCertificatePem()));
        var path = System.IO.Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {(server ?? BaseUri).AbsoluteUri.TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: verity
              user:
                token: test-token
            contexts:
            - name: fake
              context:
                cluster: fake
                user: verity
            current-context: fake
            """);
        return path;
    }

    /// <summary>Adds a namespace with labels.</summary>
    public void AddNamespace(string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var labelObject = new JsonObject();
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            labelObject[key] = value;
        }

        _objects[$"/api/v1/namespaces/{name}"] = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = Guid.NewGuid().ToString(), ["labels"] = labelObject },
        };
    }

    /// <summary>Adds a workload (<c>apps/v1</c> or <c>batch/v1</c> kinds) whose Pod template has these images.</summary>
    public void AddWorkload(string apiVersion, string kind, string @namespace, string name, string uid, params string[] images)
    {
        var containers = new JsonArray([.. images.Select((image, i) => (JsonNode)new JsonObject { ["name"] = $"c{i}", ["image"] = image })]);
        var podSpec = new JsonObject { ["containers"] = containers };
        JsonObject spec = kind switch
        {
            "CronJob" => new JsonObject { ["schedule"] = "* * * * *", ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = podSpec } } } },
            "Pod" => podSpec,
            _ => new JsonObject { ["template"] = new JsonObject { ["spec"] = podSpec } },
        };
        var group = apiVersion == "v1" ? "/api/v1" : $"/apis/{apiVersion}";
        _objects[$"{group}/namespaces/{@namespace}/{kind.ToLowerInvariant()}s/{name}"] = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace, ["uid"] = uid },
            ["spec"] = spec,
        };
    }

    /// <summary>The object stored at an API path (e.g. <c>/api/v1/namespaces/prod</c>), or null.</summary>
    public JsonObject? Get(string path) => _objects.GetValueOrDefault(path);

    /// <summary>The policy report stored for a namespace, or null.</summary>
    public JsonObject? PolicyReport(string @namespace, string name = "verity") =>
        _objects.GetValueOrDefault($"/apis/wgpolicyk8s.io/v1alpha2/namespaces/{@namespace}/policyreports/{name}");

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        _log.Enqueue((context.Request.Method, path, body));
        foreach (var fault in _faults)
        {
            if (await fault.TryHandleAsync(context))
            {
                return;
            }
        }

        context.Response.ContentType = "application/json";
        if (HangPrefix is { } hang && path.StartsWith(hang, StringComparison.Ordinal))
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        if (FailPrefix is { } fail && path.StartsWith(fail, StringComparison.Ordinal))
        {
            await Status(context, 500, "InternalError");
            return;
        }

        switch (context.Request.Method)
        {
            case "GET" when _objects.TryGetValue(path, out var found):
                await context.Response.WriteAsync(found.ToJsonString());
                return;
            case "POST":
                var created = JsonNode.Parse(body)!.AsObject();
                var key = $"{path}/{created["metadata"]!["name"]!.GetValue<string>()}";
                if (_objects.ContainsKey(key))
                {
                    await Status(context, 409, "AlreadyExists");
                    return;
                }

                created["metadata"]!["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _objects[key] = created;
                context.Response.StatusCode = 201;
                await context.Response.WriteAsync(created.ToJsonString());
                return;
            case "PUT" when _objects.TryGetValue(path, out var existing):
                var replaced = JsonNode.Parse(body)!.AsObject();
                if (replaced["metadata"]?["resourceVersion"]?.GetValue<string>() != existing["metadata"]!["resourceVersion"]!.GetValue<string>())
                {
                    await Status(context, 409, "Conflict");
                    return;
                }

                replaced["metadata"]!["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _objects[path] = replaced;
                await context.Response.WriteAsync(replaced.ToJsonString());
                return;
            default:
                await Status(context, 404, "NotFound");
                return;
        }
    }

    private static Task Status(HttpContext context, int code, string reason)
    {
        context.Response.StatusCode = code;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { kind = "Status", apiVersion = "v1", status = "Failure", reason, code }));
    }
}
