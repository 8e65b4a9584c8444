using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing;
using Verity.Testing.Kubernetes;

namespace Verity.IntegrationTests.Cluster;

/// <summary>
/// The built executable (with its own runtime configuration: no code generated at run time) talking to a Kubernetes API
/// stand-in through KubernetesClient: namespace labels, child approval and policy reports, each read or written as the
/// API server's JSON.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusterExecutableTests : IAsyncLifetime
{
    private const string Uid = "6c3e5a54-0000-4000-8000-000000000002";

    private const string Config = """
        application:
          validators:
            - name: deny
              type: static
              approve: false
          policy:
            - pattern: "*:*"
              validator: deny
          features:
            detectionMode: true
            policyReports: true
            namespacedValidation:
              mode: ignore
          logFormat: json
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-cluster-exe-");
    private FakeKubernetesApi _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Serve_WithKubeconfig_ReadsLabelsAndOwnersAndWritesPolicyReports()
    {
        _api.AddNamespace("sandbox", new Dictionary<string, string> { ["verity.dev/webhook"] = "ignore" });
        _api.AddNamespace("team");
        _api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", Uid, "busybox:1.36");
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, Config, Ct);
        await using var verity = VerityProcess.Start("serve", "--config", config, "--urls", "https://127.0.0.1:0", "--kubeconfig", _api.WriteKubeconfig(_dir.FullName));
        var url = await verity.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        using var client = VerityProcess.PinningClient(url);

        // A namespace labelled "ignore" is not validated: its labels came through KubernetesClient.
        var ignored = await Review(client, AdmissionReviews.Pod("sandbox", "busybox:1.36"));
        Assert.True(ignored["allowed"]!.GetValue<bool>());
        Assert.Null(ignored["warnings"]);

        // A Pod whose owning ReplicaSet (same UID) runs the image is approved as the owner's child.
        var child = await Review(client, AdmissionReviews.Pod("team", "busybox:1.36", owner: ("ReplicaSet", "web-7d9", Uid)));
        Assert.True(child["allowed"]!.GetValue<bool>());
        Assert.Contains(("GET", "/apis/apps/v1/namespaces/team/replicasets/web-7d9"), _api.Requests.Select(r => (r.Method, r.Path)));

        // Detection mode: a denial is admitted with a warning and reported in the namespace's policy report.
        var audited = await Review(client, AdmissionReviews.Pod("team", "quay.io/x/unsigned:1"));
        Assert.True(audited["allowed"]!.GetValue<bool>());
        Assert.NotNull(audited["warnings"]);
        var report = await WaitForAsync(() => _api.PolicyReport("team"), TimeSpan.FromSeconds(60));
        Assert.Contains("quay.io/x/unsigned:1", report.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(0, await verity.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("\"LogLevel\":\"Critical\"", verity.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PlatformNotSupportedException", verity.Output, StringComparison.Ordinal);
    }

    private static async Task<JsonNode> Review(HttpClient client, JsonObject review)
    {
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/mutate", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static async Task<JsonObject> WaitForAsync(Func<JsonObject?> probe, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(timeout);
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100, cts.Token);
        }
    }
}
