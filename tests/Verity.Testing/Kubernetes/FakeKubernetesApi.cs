using System.Collections.Concurrent;
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

    /// <summary>The server's base address.</summary>
    public Uri BaseUri => _server.BaseUri;

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var api = new FakeKubernetesApi(TestPki.Create("kubernetes"));
        api._server = await TestHttpServer.StartAsync(api.HandleAsync, api._pki.ServerCertificate);
        return api;
    }

    /// <summary>Writes a kubeconfig for this server (its CA trusted, a bearer token) and returns its path.</summary>
    public string WriteKubeconfig(string directory)
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(_pki.CaCertificate.ExportCertificatePem()));
        var path = System.IO.Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {BaseUri.AbsoluteUri.TrimEnd('/')}
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
