using System.Text.Json.Nodes;

namespace Verity.Tests.Admission;

/// <summary>Builds AdmissionReview JSON for tests.</summary>
internal static class AdmissionRequests
{
    public static JsonObject Pod(params string[] images) => Review("Pod", "", "v1", new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "ns" },
        ["spec"] = new JsonObject { ["containers"] = Containers(images) },
    });

    /// <summary>A Pod review in <paramref name="ns"/> whose controller is <paramref name="ownerKind"/> (a <c>batch/v1</c>
    /// Job, else an <c>apps/v1</c> kind) <paramref name="ownerName"/>.</summary>
    public static JsonObject PodOwnedBy(string ns, string ownerKind, string ownerName, string ownerUid, params string[] images)
    {
        var review = Pod(images);
        var request = review["request"]!.AsObject();
        request["namespace"] = ns;
        var metadata = request["object"]!["metadata"]!.AsObject();
        metadata["namespace"] = ns;
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = ownerKind is "Job" ? "batch/v1" : "apps/v1",
            ["kind"] = ownerKind,
            ["name"] = ownerName,
            ["uid"] = ownerUid,
            ["controller"] = true,
        });
        return review;
    }

    /// <summary>The review, moved to namespace <paramref name="ns"/>.</summary>
    public static JsonObject InNamespace(JsonObject review, string ns)
    {
        review["request"]!["namespace"] = ns;
        return review;
    }

    public static JsonObject Deployment(params string[] images) => Review("Deployment", "apps", "v1", new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = "d", ["namespace"] = "ns" },
        ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = Containers(images) } } },
    });

    public static JsonObject Review(string kind, string group, string version, JsonObject obj, string operation = "CREATE", string apiVersion = "admission.k8s.io/v1")
    {
        return new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = "705ab4f5-6393-11e8-b7cc-42010a800002",
                ["kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind },
                ["operation"] = operation,
                ["namespace"] = "ns",
                ["userInfo"] = new JsonObject { ["username"] = "alice" },
                ["object"] = obj,
            },
        };
    }

    public static JsonArray Containers(params string[] images) =>
        new([.. images.Select((image, i) => (JsonNode)new JsonObject { ["name"] = "c" + i, ["image"] = image })]);
}
