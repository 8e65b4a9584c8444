using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verity.Core.Configuration;
using Verity.Hosting;

namespace Verity.Cli;

/// <summary>
/// <c>verity demo</c>: starts the real webhook on loopback with the embedded demo configuration, sends it
/// AdmissionReviews over HTTPS and prints what it decided.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var testbed = new Option<FileInfo?>("--testbed")
        {
            Description = "testbed.json of a running test harness (tests/harness/up.sh): adds signed and unsigned images from its real registry",
        };
        var keep = new Option<FileInfo?>("--write-config") { Description = "Also write the demo configuration to this file" };
        var command = new Command("demo", "Run a local demo: start the webhook with an embedded configuration, send AdmissionReviews, print the verdicts")
        {
            testbed, keep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var demo = DemoScenario.Create(parse.GetValue(testbed)?.FullName);
            var configFile = parse.GetValue(keep)?.FullName ?? Path.Combine(Path.GetTempPath(), $"verity-demo-{Environment.ProcessId}.yaml");
            await File.WriteAllTextAsync(configFile, demo.Configuration, cancellationToken);
            WebApplication app;
            try
            {
                app = WebhookHost.Build(new ServeOptions
                {
                    ConfigFile = configFile,
                    Urls = ["https://127.0.0.1:0"],
                    LogLevel = "error",
                    ReloadInterval = TimeSpan.Zero,
                });
            }
            catch (ConfigurationException e)
            {
                return CommonOptions.ConfigError(errors, e);
            }

            await using (app)
            {
                await app.StartAsync(cancellationToken);
                var url = WebhookHost.Addresses(app)[0];
                var thumbprint = ((CertificateProvider)app.Services.GetService(typeof(CertificateProvider))!).Current.GetCertHashString();
                await output.WriteLineAsync($"Verity demo: webhook listening on {url} (self-signed certificate {thumbprint[..16]}…), configuration {configFile}");
                await output.WriteLineAsync();

                using var handler = new SocketsHttpHandler
                {
                    SslOptions = new SslClientAuthenticationOptions
                    {
                        // Trust exactly the certificate this process generated.
                        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
                    },
                };
                using var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
                int unexpected = 0;
                foreach (var scenario in demo.Cases)
                {
                    var review = DemoScenario.Review(scenario);
                    using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(review));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await client.PostAsync("/mutate", content, cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    var answer = JsonNode.Parse(body)!["response"]!;
                    bool allowed = answer["allowed"]!.GetValue<bool>();
                    var detail = allowed
                        ? answer["patch"] is { } patch ? "patched to " + PatchValues(patch.GetValue<string>()) : "no patch"
                        : answer["status"]?["message"]?.GetValue<string>() ?? string.Empty;
                    bool asExpected = allowed == scenario.ExpectAllowed;
                    unexpected += asExpected ? 0 : 1;
                    await output.WriteLineAsync($"{(allowed ? "ADMITTED" : "DENIED  ")}  {scenario.Image}");
                    await output.WriteLineAsync($"          {scenario.Why}");
                    await output.WriteLineAsync($"          -> {detail}{(asExpected ? string.Empty : "   <-- UNEXPECTED")}");
                    await output.WriteLineAsync();
                }

                await app.StopAsync(cancellationToken);
                await output.WriteLineAsync(unexpected == 0
                    ? $"All {demo.Cases.Count} verdicts as expected."
                    : $"{unexpected} of {demo.Cases.Count} verdicts were not as expected.");
                return unexpected == 0 ? VerityCli.Ok : VerityCli.Denied;
            }
        });
        return command;
    }

    private static string PatchValues(string base64)
    {
        var patch = JsonNode.Parse(Convert.FromBase64String(base64))!.AsArray();
        return string.Join(", ", patch.Select(p => p!["value"]!.GetValue<string>()));
    }
}

/// <summary>The demo's configuration and the images it sends.</summary>
internal sealed record DemoScenario(string Configuration, IReadOnlyList<DemoCase> Cases)
{
    public static DemoScenario Create(string? testbedFile)
    {
        using var stream = typeof(DemoScenario).Assembly.GetManifestResourceStream("Verity.Demo.demo-config.yaml")
            ?? throw new InvalidOperationException("the embedded demo configuration is missing");
        using var reader = new StreamReader(stream);
        var configuration = reader.ReadToEnd();
        var cases = new List<DemoCase>
        {
            new("nginx:1.27", true, "official Docker Hub image, allowed by rule docker.io/library/* (static)"),
            new("docker.io/untrusted/miner:latest", false, "blocked by rule docker.io/untrusted/* (static deny)"),
            new("quay.io/someone/tool:2.0", false, "no rule but the deny-by-default *:* matches"),
            new("evil.example/docker.io/library/nginx:1.27", false, "a lookalike name: patterns are anchored, so docker.io/library/* does not match it"),
        };
        if (testbedFile is not null)
        {
            var values = JsonSerializer.Deserialize(File.ReadAllText(testbedFile), CliJson.Default.DictionaryStringString)
                ?? throw new InvalidOperationException($"{testbedFile} is empty");
            configuration = configuration.Replace("  policy:\n", TestbedValidators(values) + "  policy:\n" + TestbedRules(values), StringComparison.Ordinal);
            var image = values["TESTBED_IMAGE"];
            cases.Add(new($"{image}:signed", true, "signed with Docker Content Trust (Notary v1) by the pinned root key: pinned to the signed digest"));
            cases.Add(new($"{image}:unsigned", false, "pushed to the registry but never signed"));
            cases.Add(new($"{image}:retagged", true, "the registry's tag now points at unsigned content; the trust data names the signed digest, and the workload is pinned to it"));
            cases.Add(new($"{image}:multi", true, "a multi-arch index signed with cosign (sha256-<digest>.sig tag) by the pinned key: pinned to the index digest"));
            cases.Add(new($"{image}:badsig", false, "a cosign signature over other bytes"));
        }

        return new DemoScenario(configuration, cases);
    }

    private static string TestbedValidators(Dictionary<string, string> values)
    {
        // The test bed names files; the configuration embeds their contents.
        var key = Indent(File.ReadAllText(values["TESTBED_NOTARY_ROOT_PUB_PEM"]), 12);
        var cosignKey = Indent(File.ReadAllText(values["TESTBED_COSIGN_PUB"]), 12);
        var ca = Indent(File.ReadAllText(values["TESTBED_CA_CERT"]), 8);
        return $"""
                - name: local-notary
                  type: notaryv1
                  host: {values["TESTBED_NOTARY_URL"]}
                  cert: |
            {ca}
                  trustRoots:
                    - name: testbed
                      key: |
            {key}
                - name: local-cosign
                  type: cosign
                  cert: |
            {ca}
                  trustRoots:
                    - name: ci-key
                      key: |
            {cosignKey}

            """;
    }

    // A glob alternative: these two tags are checked with cosign, the rest of test/* with Notary.
    private const string CosignDemoTags = "{multi,badsig}";

    private static string TestbedRules(Dictionary<string, string> values)
    {
        return $"""
                - pattern: "{values["TESTBED_REGISTRY"]}/test/*"
                  validator: local-notary
                  with:
                    trustRoot: testbed
                - pattern: "{values["TESTBED_REGISTRY"]}/test/app:{CosignDemoTags}"
                  validator: local-cosign
                  with:
                    trustRoot: ci-key
                    verifyInTransparencyLog: false

            """;
    }

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join('\n', text.Trim().Split('\n').Select(line => pad + line.TrimEnd('\r')));
    }

    /// <summary>An AdmissionReview creating a Deployment that runs <paramref name="demoCase"/>'s image.</summary>
    public static string Review(DemoCase demoCase)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Guid.NewGuid().ToString(),
                ["kind"] = new JsonObject { ["group"] = "apps", ["version"] = "v1", ["kind"] = "Deployment" },
                ["resource"] = new JsonObject { ["group"] = "apps", ["version"] = "v1", ["resource"] = "deployments" },
                ["operation"] = "CREATE",
                ["namespace"] = "demo",
                ["name"] = "demo-app",
                ["userInfo"] = new JsonObject { ["username"] = "demo-user" },
                ["object"] = new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "Deployment",
                    ["metadata"] = new JsonObject { ["name"] = "demo-app", ["namespace"] = "demo" },
                    ["spec"] = new JsonObject
                    {
                        ["template"] = new JsonObject
                        {
                            ["spec"] = new JsonObject
                            {
                                ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = demoCase.Image }),
                            },
                        },
                    },
                },
            },
        };
        return review.ToJsonString();
    }
}

/// <summary>One image the demo sends, and what Verity should decide.</summary>
internal sealed record DemoCase(string Image, bool ExpectAllowed, string Why);
