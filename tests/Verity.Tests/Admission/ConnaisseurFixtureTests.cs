using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verity.Testing;

namespace Verity.Tests.Admission;

/// <summary>
/// Every AdmissionReview of Connaisseur's test data, under the policy of its admission tests, gives the
/// verdict Connaisseur documents (reference §12.5), and exactly the response recorded in
/// <c>Cases/&lt;case&gt;/response.json</c> (set <c>VERITY_UPDATE_GOLDEN=1</c> to re-record after a reviewed change).
/// </summary>
public sealed class ConnaisseurFixtureTests : IDisposable
{
    private const string Alice = "docker.io/securesystemsengineering/alice-image@" + MockValidator.AliceDigest;

    private readonly AdmissionFixture _fixture = new(AdmissionFixture.MutateTestConfig);

    public void Dispose() => _fixture.Dispose();

    // case, expected HTTP status, allowed, expected patch (path=value, "|"-separated) or "", phrases of the message
    [Theory]
    [InlineData("01_deployment", 200, true, "/spec/template/spec/containers/0/image=" + Alice, "")]
    [InlineData("02_pod", 200, false, "", "unknown image securesystemsengineering/charlie-image")]
    [InlineData("03_replicaset", 200, false, "", "image \"securesystemsengineering/sample-san-sama:hai\" denied")]
    [InlineData("04_cronjob", 200, false, "", "image \"busybox\" denied: unable to find signed digest")]
    [InlineData("05_replication_controller", 200, false, "", "image \"nginx\" denied")]
    [InlineData("06_daemonset", 200, false, "", "quay.io/fluentd_elasticsearch/fluentd:v2.5.2")]
    [InlineData("07_statefulset", 200, false, "", "registry.k8s.io/nginx-slim:0.8")]
    [InlineData("08_job", 200, false, "", "perl:5.34.0")]
    [InlineData("09_dply_multi_image", 200, false, "", "image \"busybox:1.32\" denied|image \"redis:alpine\" denied|image \"mysql:8\" denied")]
    [InlineData("10_update", 200, false, "", "docker.io/library/redis:latest@sha256:1111")]
    [InlineData("11_role", 200, true, "", "")]
    [InlineData("12_err_pod", 200, false, "", "error decoding new workload object: no containers found in workload object")]
    [InlineData("13_unknown_parent", 200, false, "", "charlie-image")]
    [InlineData("14_deny_me_job", 200, false, "", "static deny|using rule \"my.reg/deny-me\"")]
    [InlineData("15_allow_me_job", 200, true, "", "")]
    [InlineData("16_mismatch_uid", 200, false, "", "charlie-image")]
    [InlineData("17_deny_me_pod", 200, false, "", "static deny")]
    [InlineData("18_allow_me_pod", 200, true, "", "")]
    [InlineData("19_pod_initcontainer", 200, false, "", "charlie-image|image \"nginx\" denied")]
    [InlineData("20_pod_ephemeralcontainer", 200, false, "", "charlie-image|image \"nginx\" denied")]
    [InlineData("21_broken_admission_request", 200, false, "", "error decoding new workload object")]
    [InlineData("22_allow_me_with_index_docker_io", 200, true, "", "")]
    [InlineData("23_alice_digest_dpl", 200, true, "", "")]
    [InlineData("24_alice_tag_digest_dpl", 200, true, "", "")]
    [InlineData("25_null_request", 400, false, "", "received empty admission request")]
    [InlineData("26_broken_update_admission_request", 200, false, "", "error decoding new workload object")]
    [InlineData("27_deleted_deployment", 200, false, "", "image \"busybox\" denied")]
    [InlineData("28_deleted_deployment_updated", 200, true, "", "")]
    [InlineData("29_deleted_deployment_update_for_delete", 200, false, "", "image \"busybox\" denied")]
    public async Task Review_ConnaisseurFixture_GivesDocumentedVerdict(string name, int status, bool allowed, string patch, string phrases)
    {
        var body = await File.ReadAllBytesAsync(SharedFixtures.Connaisseur("admission_requests", name + ".json"), TestContext.Current.CancellationToken);
        var result = await _fixture.Handler.HandleAsync(body, null, TestContext.Current.CancellationToken);
        var text = Encoding.UTF8.GetString(result.Body);

        Assert.Equal(status, result.StatusCode);
        string message;
        if (status == 200)
        {
            var review = JsonNode.Parse(text)!;
            var request = JsonNode.Parse(body)!["request"]!;
            var response = review["response"]!;
            Assert.Equal(JsonNode.Parse(body)!["apiVersion"]!.GetValue<string>(), review["apiVersion"]!.GetValue<string>());
            Assert.Equal("AdmissionReview", review["kind"]!.GetValue<string>());
            Assert.Equal(request["uid"]?.GetValue<string>() ?? string.Empty, response["uid"]!.GetValue<string>());
            Assert.Equal(allowed, response["allowed"]!.GetValue<bool>());
            Assert.Equal(PatchOf(response), patch);
            message = response["status"]?["message"]?.GetValue<string>() ?? string.Empty;
            Assert.Equal(allowed, message.Length == 0);
        }
        else
        {
            message = text;
        }

        foreach (var phrase in phrases.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Contains(phrase, message, StringComparison.Ordinal);
        }

        Golden.Check(Path.Combine("Admission", "Cases", name, "response.json"), status == 200 ? Pretty(text) : $"HTTP {status}\n{text}");
    }

    [Fact]
    public async Task Review_BusyboxEverywhere_IsValidatedOnce()
    {
        var body = await File.ReadAllBytesAsync(SharedFixtures.Connaisseur("admission_requests", "01_deployment.json"), TestContext.Current.CancellationToken);
        var node = JsonNode.Parse(body)!;
        var spec = node["request"]!["object"]!["spec"]!["template"]!["spec"]!;
        spec["containers"] = new JsonArray(
            new JsonObject { ["name"] = "a", ["image"] = "securesystemsengineering/alice-image:test" },
            new JsonObject { ["name"] = "b", ["image"] = "securesystemsengineering/alice-image:test" });
        spec["initContainers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "securesystemsengineering/alice-image:test" });

        var result = await _fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(node.ToJsonString()), null, TestContext.Current.CancellationToken);

        var response = JsonNode.Parse(result.Body)!["response"]!;
        Assert.Equal(
            "/spec/template/spec/containers/0/image=" + Alice + "|/spec/template/spec/containers/1/image=" + Alice + "|/spec/template/spec/initContainers/0/image=" + Alice,
            PatchOf(response));
        Assert.Equal(1, _fixture.Factory.Mock!.Calls);
    }

    internal static string PatchOf(JsonNode response)
    {
        if (response["patch"] is not { } patch)
        {
            Assert.Null(response["patchType"]);
            return string.Empty;
        }

        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        var operations = JsonNode.Parse(Convert.FromBase64String(patch.GetValue<string>()))!.AsArray();
        return string.Join('|', operations.Select(o =>
        {
            Assert.Equal("replace", o!["op"]!.GetValue<string>());
            return o["path"]!.GetValue<string>() + "=" + o["value"]!.GetValue<string>();
        }));
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Pretty(string json) => JsonSerializer.Serialize(JsonNode.Parse(json), Indented) + "\n";
}
