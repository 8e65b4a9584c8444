using System.Text.Json.Nodes;
using Verity.Install;
using Verity.Testing;

namespace Verity.Tests.Install;

/// <summary>The values files the install tests render: the chart's defaults, Connaisseur's own values.yaml and every example in docs/examples.</summary>
internal static class InstallCases
{
    public const string Namespace = "verity-system";

    /// <summary>Case ids: <c>defaults</c>, <c>connaisseur</c>, and <c>example:&lt;file&gt;</c>.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { "defaults", "connaisseur" };
        foreach (var file in Directory.GetFiles(RepositoryPaths.Path("docs", "examples"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add("example:" + Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>The cases among the defaults and docs/examples (not Connaisseur's file, which may be absent) whose values
    /// turn a feature on.</summary>
    public static TheoryData<string> Where(Func<string, bool> feature)
    {
        var data = new TheoryData<string>();
        foreach (var id in All().Select(row => row.Data).Where(id => id != "connaisseur"))
        {
            if (feature(id))
            {
                data.Add(id);
            }
        }

        return data;
    }

    /// <summary>The values file of a case, or null for the defaults; skips the Connaisseur case when the shared fixtures are absent.</summary>
    public static string? ValuesFile(string id) => id switch
    {
        "defaults" => null,
        "connaisseur" => SharedFixtures.Path("connaisseur", "charts", "connaisseur", "values.yaml"),
        _ when id.StartsWith("example:", StringComparison.Ordinal) => RepositoryPaths.Path("docs", "examples", id["example:".Length..]),
        _ => throw new ArgumentException(id),
    };

    public static ChartInfo Chart() => ChartInfo.Load(
        File.ReadAllText(RepositoryPaths.Path("charts", "verity", "Chart.yaml")),
        File.ReadAllText(RepositoryPaths.Path("charts", "verity", "values.yaml")),
        File.ReadAllText(RepositoryPaths.Path("charts", "verity", "crds", "wgpolicyk8s.io_policyreports.yaml")));

    public static HelmValues Values(string id)
    {
        var file = ValuesFile(id);
        return HelmValues.Merge(Chart().ValuesYaml, file is null ? null : File.ReadAllText(file), file ?? "values");
    }

    /// <summary>The renderer for a case's values, for the features it derives (cert-manager, Redis, RBAC).</summary>
    public static ManifestRenderer Renderer(string id) => new(Chart(), Values(id), Namespace);

    /// <summary>What <c>verity manifests --values FILE --namespace verity-system</c> prints, through the command itself.</summary>
    public static string Manifests(string id)
    {
        var file = ValuesFile(id);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Verity.Cli.ManifestsCommand.Run(file is null ? null : new FileInfo(file), Namespace, output, errors, TimeProvider.System);
        Assert.True(code == 0, $"verity manifests failed ({code}): {errors}");
        return output.ToString();
    }

    /// <summary>Typed objects, one per YAML document, as KubernetesClient's models (and cert-manager's) read them; strict:
    /// a field the model does not have, or reads as something else, fails (written back, the object must be the same).</summary>
    public static List<object> Typed(string yaml) => [.. ManifestRenderer.ReadYaml(yaml).Select(document =>
    {
        var typed = ManifestRenderer.ToTyped(document);
        var back = ManifestRenderer.ToJson(typed);
        Assert.True(JsonNode.DeepEquals(document, back), $"{document["kind"]} {document["metadata"]?["name"]}: the model does not read it as written:\n{document.ToJsonString()}\n{back.ToJsonString()}");
        return typed;
    })];

    /// <summary>The chart's templates rendered by <see cref="GoTemplate"/> for a case, one JSON object per resource.</summary>
    public static List<JsonObject> RenderChart(string id)
    {
        var chart = Chart();
        var templates = new GoTemplate();
        var files = Directory.GetFiles(RepositoryPaths.Path("charts", "verity", "templates"))
            .OrderBy(f => Path.GetFileName(f).StartsWith('_') ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);
        var loaded = templates.Load(files);
        var root = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = GoTemplate.FromJson(HelmValues.Json(Values(id).Root)),
            ["Release"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["Namespace"] = Namespace, ["Name"] = "verity", ["Service"] = ManifestRenderer.ManagedBy },
            ["Chart"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["Name"] = chart.Name, ["Version"] = chart.Version, ["AppVersion"] = chart.AppVersion },
        };
        var resources = new List<JsonObject>();
        foreach (var (name, nodes) in loaded.Where(t => !t.Key.StartsWith('_')))
        {
            var text = templates.Render(nodes, root);
            foreach (var document in text.Split("\n---", StringSplitOptions.None))
            {
                var stream = new YamlDotNet.RepresentationModel.YamlStream();
                try
                {
                    stream.Load(new StringReader(document.StartsWith("---", StringComparison.Ordinal) ? document[3..] : document));
                }
                catch (YamlDotNet.Core.YamlException e)
                {
                    throw new InvalidOperationException($"{name} rendered invalid YAML ({e.Message}):\n{document}", e);
                }

                if (stream.Documents.Count > 0 && HelmValues.Json(stream.Documents[0].RootNode) is JsonObject resource)
                {
                    resources.Add(resource);
                }
            }
        }

        return resources;
    }
}
