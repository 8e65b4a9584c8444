using System.Text.Json;
using System.Text.Json.Nodes;
using Verity.Core.Cluster;

namespace Verity.Cluster;

/// <summary>The <c>wgpolicyk8s.io/v1alpha2</c> <c>PolicyReport</c> resource of a <see cref="PolicyReport"/>.</summary>
/// <remarks>Schema: the Kubernetes Policy working group's <c>PolicyReport</c> CRD (the one Kyverno installs);
/// <c>charts/verity/crds/</c> ships it for clusters that lack it.</remarks>
internal static class PolicyReportJson
{
    public const string Group = "wgpolicyk8s.io";
    public const string Version = "v1alpha2";
    public const string Plural = "policyreports";
    public const string Policy = "verity-image-signatures";

    public static JsonObject ToJson(PolicyReport report)
    {
        var results = new JsonArray();
        int pass = 0, fail = 0, warn = 0, skip = 0, error = 0;
        foreach (var r in report.Results)
        {
            switch (r.Result)
            {
                case "pass": pass++; break;
                case "fail": fail++; break;
                case "warn": warn++; break;
                case "skip": skip++; break;
                default: error++; break;
            }

            var properties = new JsonObject { ["image"] = r.Image };
            if (r.Validator is not null)
            {
                properties["validator"] = r.Validator;
            }

            results.Append(new JsonObject
            {
                ["policy"] = Policy,
                ["rule"] = r.Rule,
                ["result"] = r.Result,
                ["message"] = r.Message,
                ["source"] = "verity",
                ["scored"] = true,
                ["timestamp"] = new JsonObject { ["seconds"] = r.Timestamp.ToUnixTimeSeconds(), ["nanos"] = 0 },
                ["resources"] = new JsonArray(new JsonObject
                {
                    ["kind"] = r.Kind,
                    ["name"] = r.Name,
                    ["namespace"] = report.Namespace,
                }),
                ["properties"] = properties,
            });
        }

        return new JsonObject
        {
            ["apiVersion"] = $"{Group}/{Version}",
            ["kind"] = "PolicyReport",
            ["metadata"] = new JsonObject
            {
                ["name"] = report.Name,
                ["namespace"] = report.Namespace,
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "verity" },
            },
            ["summary"] = new JsonObject { ["pass"] = pass, ["fail"] = fail, ["warn"] = warn, ["error"] = error, ["skip"] = skip },
            ["results"] = results,
        };
    }

    /// <summary>The <c>metadata.resourceVersion</c> of an object the API returned, or null.</summary>
    public static string? ResourceVersion(object existing)
    {
        var element = existing switch
        {
            JsonElement e => e,
            JsonNode n => JsonSerializer.SerializeToElement(n, KubernetesExtraJson.Default.JsonNode),
            _ => default,
        };
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
    }
}
