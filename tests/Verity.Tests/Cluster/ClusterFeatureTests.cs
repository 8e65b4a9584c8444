using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Configuration;
using Verity.Reports;
using Verity.Testing.Kubernetes;
using Verity.Tests.Admission;
using Verity.Tests.Hosting;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Cluster;

/// <summary>
/// Child approval, namespaced validation, detection mode per namespace and policy reports, end to end: AdmissionReviews
/// over HTTPS to the real webhook, whose cluster port talks to a Kubernetes API stand-in (KubernetesClient with a
/// kubeconfig), and assertions on the requests the stand-in received.
/// </summary>
public sealed class ClusterFeatureTests : IAsyncLifetime
{
    private const string Uid = "6c3e5a54-0000-4000-8000-000000000001";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-cluster-");
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

    private Task<WebhookServer> Start(string features = "") => WebhookServer.StartAsync(MockConfig.WithFeatures(features), kubeconfig: _api.WriteKubeconfig(_dir.FullName));

    private static async Task<JsonNode> Decide(WebhookServer server, JsonNode review)
    {
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync("/mutate", content, Ct);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static bool Allowed(JsonNode response) => response["allowed"]!.GetValue<bool>();

    private static int MockCalls(WebhookServer server) =>
        server.Services.GetServices<IValidatorType>().OfType<MockValidatorFactory>().Single().Mock?.Calls ?? 0;

    [Fact]
    public async Task ChildApproval_OwnerWithSameUidCarriesTheImage_AdmitsWithoutValidation()
    {
        _api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", Uid, "busybox");
        await using var server = await Start();

        var response = await Decide(server, PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "busybox"));

        Assert.True(Allowed(response));
        Assert.Null(response["patch"]);
        Assert.Equal(0, MockCalls(server));
        Assert.Equal(("GET", "/apis/apps/v1/namespaces/team/replicasets/web-7d9"), _api.Requests.Select(r => (r.Method, r.Path)).Single());
    }

    [Fact]
    public async Task ChildApproval_OwnerUidMismatch_ValidatesTheImage()
    {
        _api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", "another-uid", "busybox");
        await using var server = await Start();

        var response = await Decide(server, PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "busybox"));

        Assert.False(Allowed(response));
        Assert.Equal(1, MockCalls(server));
    }

    [Fact]
    public async Task ChildApproval_OwnerWithoutTheImage_ValidatesTheImage()
    {
        _api.AddWorkload("batch/v1", "Job", "team", "backup", Uid, "busybox:1.36");
        await using var server = await Start();

        var response = await Decide(server, PodOwnedBy("team", "Job", "backup", Uid, "busybox"));

        Assert.False(Allowed(response));
        Assert.Contains("GET /apis/batch/v1/namespaces/team/jobs/backup", _api.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    [Theory]
    [InlineData("missing owner", null, null)]
    [InlineData("API server error", "/apis/apps/v1/", null)]
    [InlineData("API server hangs", null, "/apis/apps/v1/")]
    public async Task ChildApproval_OwnerLookupFails_ValidatesAndNeverAdmits(string why, string? fail, string? hang)
    {
        Assert.NotNull(why);
        _api.FailPrefix = fail;
        _api.HangPrefix = hang;
        await using var server = await Start();

        var response = await Decide(server, PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "busybox"));

        Assert.False(Allowed(response));
        Assert.Equal(1, MockCalls(server));
    }

    [Fact]
    public async Task ChildApproval_StaticDenyOfTheOwnersImage_StaysADenial()
    {
        _api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", Uid, "my.reg/deny-me:1");
        await using var server = await Start();

        var response = await Decide(server, PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "my.reg/deny-me:1"));

        Assert.False(Allowed(response));
    }

    [Fact]
    public async Task ChildApproval_Off_NeverAsksTheApiServer()
    {
        _api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", Uid, "busybox");
        await using var server = await Start("  automaticChildApproval: false");

        var response = await Decide(server, PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "busybox"));

        Assert.False(Allowed(response));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task NamespacedValidation_Ignore_NamespaceLabelledIgnoreIsSkipped_OthersValidated()
    {
        _api.AddNamespace("sandbox", new Dictionary<string, string> { ["securesystemsengineering.connaisseur/webhook"] = "ignore" });
        _api.AddNamespace("sandbox2", new Dictionary<string, string> { ["verity.dev/webhook"] = "ignore" });
        _api.AddNamespace("prod");
        await using var server = await Start("  namespacedValidation:\n    mode: ignore");

        Assert.True(Allowed(await Decide(server, InNamespace(Pod("busybox"), "sandbox"))));
        Assert.True(Allowed(await Decide(server, InNamespace(Pod("busybox"), "sandbox2"))));
        Assert.False(Allowed(await Decide(server, InNamespace(Pod("busybox"), "prod"))));
        Assert.Equal(1, MockCalls(server));
    }

    [Fact]
    public async Task NamespacedValidation_Validate_OnlyNamespacesLabelledValidateAreValidated()
    {
        _api.AddNamespace("prod", new Dictionary<string, string> { ["verity.dev/webhook"] = "validate" });
        _api.AddNamespace("dev");
        await using var server = await Start("  namespacedValidation:\n    mode: validate");

        Assert.False(Allowed(await Decide(server, InNamespace(Pod("busybox"), "prod"))));
        Assert.True(Allowed(await Decide(server, InNamespace(Pod("busybox"), "dev"))));
    }

    [Fact]
    public async Task NamespacedValidation_LabelLookupFails_ValidatesAnyway()
    {
        _api.FailPrefix = "/api/v1/namespaces/";
        await using var server = await Start("  namespacedValidation:\n    mode: validate");

        var response = await Decide(server, InNamespace(Pod("busybox"), "dev"));

        Assert.False(Allowed(response));
        Assert.Equal(1, MockCalls(server));
    }

    [Fact]
    public async Task NamespacedValidation_LabelsAreReadOncePerLifetime()
    {
        _api.AddNamespace("prod");
        await using var server = await Start("  namespacedValidation:\n    mode: ignore");

        await Decide(server, InNamespace(Pod("busybox"), "prod"));
        await Decide(server, InNamespace(Pod("busybox"), "prod"));

        Assert.Single(_api.Requests, r => r.Path == "/api/v1/namespaces/prod");
    }

    [Fact]
    public async Task DetectionModeOverrides_EnforceInProdByName_AuditElsewhere()
    {
        await using var server = await Start("""
              detectionMode: true
              detectionModeOverrides:
                - detectionMode: false
                  namespaces: [prod, "team-*"]
            """);

        var prod = await Decide(server, InNamespace(Pod("busybox"), "prod"));
        var team = await Decide(server, InNamespace(Pod("busybox"), "team-a"));
        var dev = await Decide(server, InNamespace(Pod("busybox"), "dev"));

        Assert.False(Allowed(prod));
        Assert.False(Allowed(team));
        Assert.True(Allowed(dev));
        Assert.Equal("detection mode active", dev["warnings"]![0]!.GetValue<string>());
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task DetectionModeOverrides_AuditByNamespaceLabels()
    {
        _api.AddNamespace("staging", new Dictionary<string, string> { ["env"] = "staging" });
        _api.AddNamespace("prod", new Dictionary<string, string> { ["env"] = "prod" });
        await using var server = await Start("""
              detectionModeOverrides:
                - detectionMode: true
                  namespaceSelector:
                    matchLabels: {env: staging}
            """);

        Assert.True(Allowed(await Decide(server, InNamespace(Pod("busybox"), "staging"))));
        Assert.False(Allowed(await Decide(server, InNamespace(Pod("busybox"), "prod"))));
    }

    [Fact]
    public async Task DetectionModeOverrides_LabelLookupFails_Enforces()
    {
        _api.FailPrefix = "/api/v1/namespaces/";
        await using var server = await Start("""
              detectionMode: true
              detectionModeOverrides:
                - detectionMode: false
                  namespaceSelector:
                    matchLabels: {env: prod}
            """);

        Assert.False(Allowed(await Decide(server, InNamespace(Pod("busybox"), "prod"))));
    }

    [Fact]
    public async Task PolicyReports_AuditedDecisions_AreWrittenPerNamespaceAndReplaced()
    {
        await using var server = await Start("  detectionMode: true\n  policyReports: true");
        var writer = server.Services.GetRequiredService<PolicyReportWriter>();

        await Decide(server, InNamespace(Pod("busybox", "securesystemsengineering/alice-image:test"), "team-a"));
        await Decide(server, InNamespace(Pod("busybox"), "team-a"));
        await writer.FlushAsync(Ct);
        await Decide(server, InNamespace(Pod("my.reg/deny-me:1"), "team-a"));
        await writer.FlushAsync(Ct);
        await writer.FlushAsync(Ct);

        var report = _api.PolicyReport("team-a")!;
        Assert.Equal("wgpolicyk8s.io/v1alpha2", report["apiVersion"]!.GetValue<string>());
        Assert.Equal(1, report["summary"]!["pass"]!.GetValue<int>());
        Assert.Equal(2, report["summary"]!["fail"]!.GetValue<int>());
        var results = report["results"]!.AsArray();
        Assert.Equal(
            ["busybox", "my.reg/deny-me:1", "securesystemsengineering/alice-image:test"],
            results.Select(r => r!["properties"]!["image"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["POST /apis/wgpolicyk8s.io/v1alpha2/namespaces/team-a/policyreports",
             "POST /apis/wgpolicyk8s.io/v1alpha2/namespaces/team-a/policyreports",
             "GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/team-a/policyreports/verity",
             "PUT /apis/wgpolicyk8s.io/v1alpha2/namespaces/team-a/policyreports/verity"],
            _api.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task PolicyReports_EnforcedDecisions_AreNotReportedUnlessAskedFor()
    {
        await using var server = await Start("  policyReports: true");
        await Decide(server, InNamespace(Pod("busybox"), "team-a"));
        await server.Services.GetRequiredService<PolicyReportWriter>().FlushAsync(Ct);

        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task PolicyReports_BurstOfPods_IsOneWritePerNamespace()
    {
        await using var server = await Start("  policyReports:\n    includeEnforced: true");
        for (int i = 0; i < 50; i++)
        {
            await Decide(server, InNamespace(Pod("busybox"), i % 2 == 0 ? "a" : "b"));
        }

        await server.Services.GetRequiredService<PolicyReportWriter>().FlushAsync(Ct);

        Assert.Equal(2, _api.Requests.Count);
        Assert.Single(_api.PolicyReport("a")!["results"]!.AsArray());
    }
}
