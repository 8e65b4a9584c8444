using System.Text.Json.Nodes;

namespace Verity.Testing;

/// <summary>AdmissionReview JSON as the API server sends it, for tests that talk to a webhook over HTTPS.</summary>
public static class AdmissionReviews
{
    /// <summary>A review of a Pod creation in <paramref name="namespace"/> running <paramref name="image"/>, owned by
    /// <paramref name="owner"/> (a controller in <c>apps/v1</c>) if given.</summary>
    public static JsonObject Pod(string @namespace, string image, (string Kind, string Name, string Uid)? owner = null)
    {
        var metadata = new JsonObject { ["name"] = "p", ["namespace"] = @namespace };
        if (owner is { } o)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = o.Kind,
                ["name"] = o.Name,
                ["uid"] = o.Uid,
                ["controller"] = true,
            });
        }

        return new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Guid.NewGuid().ToString(),
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["operation"] = "CREATE",
                ["namespace"] = @namespace,
                ["userInfo"] = new JsonObject { ["username"] = "alice" },
                ["object"] = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = metadata,
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = image }) },
                },
            },
        };
    }
}
