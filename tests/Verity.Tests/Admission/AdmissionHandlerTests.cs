using System.Text;
using System.Text.Json.Nodes;
using Verity.Admission;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Admission;

public sealed class AdmissionHandlerTests
{
    private const string Alice = "securesystemsengineering/alice-image:test";
    private const string AlicePinned = "docker.io/securesystemsengineering/alice-image@" + MockValidator.AliceDigest;

    private static string Config(string features = "", string aliceOptions = "") => $"""
        validators:
          - name: allow
            type: static
            approve: true
          - name: deny
            type: static
            approve: false
          - name: mock
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: mock
          - pattern: "securesystemsengineering/alice-image"
            validator: mock
        {aliceOptions}
          - pattern: "my.reg/deny-me"
            validator: deny
          - pattern: "my.reg/allow-me"
            validator: allow
        {features}
        """;

    private static async Task<JsonNode> Decide(AdmissionFixture fixture, JsonNode review)
    {
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, TestContext.Current.CancellationToken);
        Assert.Equal(200, result.StatusCode);
        return JsonNode.Parse(result.Body)!["response"]!;
    }

    private static async Task<AdmissionResult> Raw(AdmissionFixture fixture, string body)
    {
        return await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(body), null, TestContext.Current.CancellationToken);
    }

    private static string? Message(JsonNode response) => response["status"]?["message"]?.GetValue<string>();

    [Fact]
    public async Task Pod_SignedImage_IsPinnedToDigestAtItsPath()
    {
        using var fixture = new AdmissionFixture(Config());
        var response = await Decide(fixture, Pod("my.reg/allow-me:1", Alice));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal("/spec/containers/1/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(response));
    }

    [Fact]
    public async Task CronJob_PatchPathIsUnderJobTemplate()
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Review("CronJob", "batch", "v1", new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["jobTemplate"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["template"] = new JsonObject
                        {
                            ["spec"] = new JsonObject { ["initContainers"] = Containers(Alice), ["containers"] = Containers("my.reg/allow-me") },
                        },
                    },
                },
            },
        });

        var response = await Decide(fixture, review);

        Assert.Equal("/spec/jobTemplate/spec/template/spec/initContainers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(response));
    }

    [Fact]
    public async Task EphemeralContainersSubresource_OldKind_IsValidated()
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Review("EphemeralContainers", "", "v1", new JsonObject { ["ephemeralContainers"] = Containers("my.reg/deny-me:debug") }, operation: "UPDATE");
        review["request"]!["oldObject"] = new JsonObject { ["ephemeralContainers"] = new JsonArray() };
        review["request"]!["subResource"] = "ephemeralcontainers";

        var response = await Decide(fixture, review);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains("static deny", Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EphemeralContainersSubresource_OldKind_PatchPathIsAtTheObjectsRoot()
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Review("EphemeralContainers", "", "v1", new JsonObject { ["ephemeralContainers"] = Containers(Alice) }, operation: "UPDATE");
        review["request"]!["oldObject"] = new JsonObject { ["ephemeralContainers"] = new JsonArray() };

        var response = await Decide(fixture, review);

        Assert.Equal("/ephemeralContainers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(response));
    }

    [Fact]
    public async Task Pod_DeniedImages_AreAllNamedInSpecOrder()
    {
        using var fixture = new AdmissionFixture(Config());
        var response = await Decide(fixture, Pod("my.reg/deny-me:1", Alice, "busybox"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(
            "image \"my.reg/deny-me:1\" denied: static deny by validator \"deny\" using rule \"my.reg/deny-me\"; "
            + "image \"busybox\" denied: unable to find signed digest for image docker.io/library/busybox:latest",
            Message(response));
        Assert.Null(response["patch"]);
    }

    [Theory]
    [InlineData("upper-case", "Nginx", "the repository name must be lower case")]
    [InlineData("bad-digest", "nginx@sha256:123", "64 hex characters")]
    [InlineData("empty", "", "the reference is empty")]
    public async Task Pod_InvalidImageReference_IsDeniedWithCause(string id, string image, string cause)
    {
        using var fixture = new AdmissionFixture(Config());
        var response = await Decide(fixture, Pod(image));

        Assert.False(response["allowed"]!.GetValue<bool>(), id);
        Assert.Contains($"invalid image reference \"{image}\"", Message(response), StringComparison.Ordinal);
        Assert.Contains(cause, Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pod_NoMatchingRule_IsDenied()
    {
        using var fixture = new AdmissionFixture("""
            validators:
              - name: default
                type: static
                approve: true
            policy:
              - pattern: "registry.k8s.io/*"
            """);
        var response = await Decide(fixture, Pod("evil.example/registry.k8s.io/pause:3.9"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal("image \"evil.example/registry.k8s.io/pause:3.9\" denied: no matching rule: no policy pattern matches evil.example/registry.k8s.io/pause:3.9", Message(response));
    }

    [Fact]
    public async Task Pod_ContainerWithoutImage_IsDenied()
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Pod(Alice);
        review["request"]!["object"]!["spec"]!["containers"]!.AsArray().Add(new JsonObject { ["name"] = "sidecar" });

        var response = await Decide(fixture, review);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains("container \"sidecar\" in spec.containers has no image", Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pod_ValidatorThrows_IsDeniedWithoutInternalDetail()
    {
        using var fixture = new AdmissionFixture(Config());
        var response = await Decide(fixture, Pod("throws"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal("image \"throws\" denied: error during mock validation: an internal error occurred (see Verity's log)", Message(response));
        Assert.DoesNotContain("secret internal detail", Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pod_ValidatorHangs_IsDeniedAtTheDeadline()
    {
        using var fixture = new AdmissionFixture(Config(), new AdmissionOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        var started = DateTime.UtcNow;

        var response = await Decide(fixture, Pod("hangs", "my.reg/allow-me"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.StartsWith("validation of admission request 705ab4f5-6393-11e8-b7cc-42010a800002 timed out after validating 1/2 images", Message(response), StringComparison.Ordinal);
        Assert.Contains("image \"hangs\" denied: mock validation did not finish before the deadline", Message(response), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DetectionMode_DenialBecomesWarning()
    {
        using var fixture = new AdmissionFixture(Config("features:\n  detectionMode: true"));
        var response = await Decide(fixture, Pod("busybox"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        var warnings = response["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToArray();
        Assert.Equal("detection mode active", warnings[0]);
        Assert.Contains("image \"busybox\" denied", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectionMode_TrustedImageIsStillPinned()
    {
        using var fixture = new AdmissionFixture(Config("features:\n  detectionMode: true"));
        var response = await Decide(fixture, Pod(Alice));

        Assert.Equal("/spec/containers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(response));
        Assert.Null(response["warnings"]);
    }

    [Fact]
    public async Task PodsOnly_DeploymentIsAdmittedUnpatchedWithWarning_PodIsStillDenied()
    {
        using var fixture = new AdmissionFixture(Config("features:\n  detectionMode: true\n  resourceValidationMode: podsOnly"));

        var deployment = await Decide(fixture, Deployment("busybox"));
        Assert.True(deployment["allowed"]!.GetValue<bool>());
        Assert.Equal("pod-only validation active", deployment["warnings"]![0]!.GetValue<string>());

        var signedDeployment = await Decide(fixture, Deployment(Alice));
        Assert.Null(signedDeployment["patch"]);

        using var strict = new AdmissionFixture(Config("features:\n  resourceValidationMode: podsOnly"));
        var pod = await Decide(strict, Pod("busybox"));
        Assert.False(pod["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task InsecureValidateOnly_ValidatesButDoesNotPatch()
    {
        using var fixture = new AdmissionFixture(Config(aliceOptions: "    with:\n      mode: insecureValidateOnly"));
        var response = await Decide(fixture, Pod(Alice));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        Assert.Equal(1, fixture.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task UnchangedApproval_SkipsUnchangedImagesButNotStaticDenials()
    {
        using var fixture = new AdmissionFixture(Config("features:\n  automaticUnchangedApproval: true"));
        var review = Pod("busybox", "my.reg/deny-me");
        review["request"]!["operation"] = "UPDATE";
        review["request"]!["oldObject"] = Pod("busybox", "my.reg/deny-me")["request"]!["object"]!.DeepClone();

        var response = await Decide(fixture, review);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.DoesNotContain("busybox", Message(response), StringComparison.Ordinal);
        Assert.Contains("static deny", Message(response), StringComparison.Ordinal);
        Assert.Equal(0, fixture.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task UnchangedApproval_Off_ValidatesUpdates()
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Pod("busybox");
        review["request"]!["operation"] = "UPDATE";
        review["request"]!["oldObject"] = Pod("busybox")["request"]!["object"]!.DeepClone();

        var response = await Decide(fixture, review);

        Assert.False(response["allowed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("CONNECT")]
    public async Task OtherOperations_AreAdmittedUntouched(string operation)
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Pod("busybox");
        review["request"]!["operation"] = operation;

        var response = await Decide(fixture, review);

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        Assert.Equal(0, fixture.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task OtherKinds_AreAdmittedUntouched()
    {
        using var fixture = new AdmissionFixture(Config());
        var response = await Decide(fixture, Review("ConfigMap", "", "v1", new JsonObject { ["data"] = new JsonObject { ["image"] = "busybox" } }));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
    }

    [Fact]
    public async Task V1Beta1Request_GetsV1Beta1Response()
    {
        using var fixture = new AdmissionFixture(Config());
        var review = Pod(Alice);
        review["apiVersion"] = "admission.k8s.io/v1beta1";

        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, TestContext.Current.CancellationToken);

        Assert.Equal("admission.k8s.io/v1beta1", JsonNode.Parse(result.Body)!["apiVersion"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("invalid-json", "{", 400, "received invalid json")]
    [InlineData("empty-body", "", 400, "received invalid json")]
    [InlineData("empty-object", "{}", 400, "received empty admission request")]
    [InlineData("null", "null", 400, "received empty admission request")]
    [InlineData("null-request", "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":null}", 400, "received empty admission request")]
    [InlineData("array", "[1,2]", 400, "received empty admission request")]
    [InlineData("request-string", "{\"request\":\"x\"}", 400, "received empty admission request")]
    [InlineData("other-api-version", "{\"apiVersion\":\"admission.k8s.io/v2\",\"request\":{}}", 400, "unsupported AdmissionReview apiVersion")]
    public async Task MalformedRequests_GetHttpErrors(string id, string body, int status, string message)
    {
        using var fixture = new AdmissionFixture(Config());
        var result = await Raw(fixture, body);

        Assert.Equal(status, result.StatusCode);
        Assert.Contains(message, Encoding.UTF8.GetString(result.Body), StringComparison.Ordinal);
        Assert.Equal(0, fixture.Factory.Mock?.Calls ?? 0);
        _ = id;
    }

    [Theory]
    [InlineData("object-is-string", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"Pod\"},\"object\":\"x\"}}", "error decoding new workload object")]
    [InlineData("containers-not-list", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"Pod\"},\"object\":{\"spec\":{\"containers\":{}}}}}", "spec.containers is an object, not a list")]
    [InlineData("image-not-string", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"Pod\"},\"object\":{\"spec\":{\"containers\":[{\"image\":5}]}}}}", "has no image")]
    [InlineData("container-not-object", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"Deployment\"},\"object\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"busybox\"},\"x\"]}}}}}}", "spec.template.spec.containers.1 is a string, not a container")]
    [InlineData("cronjob-without-template", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"CronJob\"},\"object\":{\"spec\":{\"jobTemplate\":{\"spec\":{}}}}}}", "the CronJob has no spec.jobTemplate.spec.template")]
    [InlineData("template-not-object", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"Job\"},\"object\":{\"spec\":{\"template\":[]}}}}", "spec.template of the Job is a list, not an object")]
    [InlineData("ephemeral-list-not-list", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"EphemeralContainers\"},\"object\":{\"ephemeralContainers\":5}}}", "ephemeralContainers is a number, not a list")]
    [InlineData("no-kind", "{\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"object\":{}}}", "the request has no kind")]
    [InlineData("update-without-old", "{\"request\":{\"uid\":\"u\",\"operation\":\"UPDATE\",\"kind\":{\"kind\":\"Pod\"},\"object\":{\"spec\":{\"containers\":[{\"image\":\"busybox\"}]}}}}", "error decoding old workload object")]
    public async Task BrokenObjects_AreDeniedWithCause(string id, string body, string message)
    {
        using var fixture = new AdmissionFixture(Config());
        var result = await Raw(fixture, body);

        Assert.Equal(200, result.StatusCode);
        var response = JsonNode.Parse(result.Body)!["response"]!;
        Assert.Equal("u", response["uid"]!.GetValue<string>());
        Assert.False(response["allowed"]!.GetValue<bool>(), id);
        Assert.Contains(message, Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeeplyNestedJson_IsRejectedNotCrashed()
    {
        using var fixture = new AdmissionFixture(Config());
        var body = "{\"request\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var result = await Raw(fixture, body);

        Assert.Equal(400, result.StatusCode);
    }
}
