using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Admission;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Hosting;

namespace Verity.Benchmarks;

/// <summary>
/// The cost of one admission decision: a 3-container Deployment reviewed under static validators, against
/// the baseline of only parsing the same AdmissionReview JSON.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private const string Config = """
        application:
          validators:
            - name: allow
              type: static
              approve: true
            - name: deny
              type: static
              approve: false
          policy:
            - pattern: "*:*"
              validator: deny
            - pattern: "docker.io/library/*"
              validator: allow
            - pattern: "registry.k8s.io/*:*"
              validator: allow
            - pattern: "ghcr.io/acme/*"
              validator: allow
        """;

    private ServiceProvider _services = null!;
    private AdmissionHandler _handler = null!;
    private byte[] _deployment = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = BuildServices();
        _handler = _services.GetRequiredService<AdmissionHandler>();
        _deployment = DeploymentBody();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Baseline: parse the AdmissionReview and walk to its containers, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_deployment);
        return document.RootElement.GetProperty("request").GetProperty("object").GetProperty("spec")
            .GetProperty("template").GetProperty("spec").GetProperty("containers").GetArrayLength();
    }

    /// <summary>The whole decision: parse, extract images, match rules, validate, write the response.</summary>
    [Benchmark]
    public async Task<int> Review3ContainerDeployment()
    {
        var result = await _handler.HandleAsync(_deployment, null, CancellationToken.None);
        return result.Body.Length;
    }

    /// <summary>Parsing and normalising one image reference.</summary>
    [Benchmark]
    public string ParseImageReference() => ImageReference.Parse("ghcr.io/acme/app:2.1").Canonical;

    /// <summary>The admission pipeline as the server builds it, with <see cref="Config"/> current.</summary>
    internal static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddVerityCore(new AdmissionOptions());
        var provider = services.BuildServiceProvider();
        var snapshots = provider.GetRequiredService<PolicySnapshotProvider>();
        snapshots.Use(snapshots.Loader.Parse(Config, "bench.yaml"));
        return provider;
    }

    /// <summary>The reviewed AdmissionReview: a Deployment of three images, all allowed by <see cref="Config"/>.</summary>
    internal static byte[] DeploymentBody() =>
        Encoding.UTF8.GetBytes(Deployment("nginx:1.27", "registry.k8s.io/pause:3.9", "ghcr.io/acme/app:2.1").ToJsonString());

    internal static JsonObject Deployment(params string[] images) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "705ab4f5-6393-11e8-b7cc-42010a800002",
            ["kind"] = new JsonObject { ["group"] = "apps", ["version"] = "v1", ["kind"] = "Deployment" },
            ["operation"] = "CREATE",
            ["namespace"] = "bench",
            ["userInfo"] = new JsonObject { ["username"] = "bench" },
            ["object"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = "bench", ["namespace"] = "bench" },
                ["spec"] = new JsonObject
                {
                    ["template"] = new JsonObject
                    {
                        ["spec"] = new JsonObject
                        {
                            ["containers"] = new JsonArray([.. images.Select((image, i) => (JsonNode)new JsonObject { ["name"] = "c" + i, ["image"] = image })]),
                        },
                    },
                },
            },
        },
    };
}
