using System.Text.Json.Nodes;
using Verity.Tests.Admission;
using static Verity.Tests.Cli.CliRun;

namespace Verity.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private const string StaticConfig = """
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
            - pattern: "my.reg/allow-me"
              validator: allow
            - pattern: "docker.io/library/*"
              validator: allow
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static TheoryData<string, bool> Requests => new()
    {
        { "deny-me job", false },
        { "allow-me job", true },
        { "allow-me pod", true },
        { "role", true },
        { "broken request", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Review_Request_PrintsAdmissionReviewAndExits0(string name, bool allowed)
    {
        var config = Write("config.yaml", StaticConfig);
        var request = name switch
        {
            "deny-me job" => Job("my.reg/deny-me:1"),
            "allow-me job" => Job("my.reg/allow-me:1"),
            "allow-me pod" => AdmissionRequests.Pod("my.reg/allow-me@sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff"),
            "role" => AdmissionRequests.Review("Role", "rbac.authorization.k8s.io", "v1", new JsonObject { ["kind"] = "Role", ["metadata"] = new JsonObject { ["name"] = "r" } }),
            _ => new JsonObject { ["kind"] = "AdmissionReview", ["apiVersion"] = "admission.k8s.io/v1", ["request"] = new JsonObject { ["operation"] = "CREATE" } },
        };

        var (code, output, error) = await Run("review", "--config", config, Write("request.json", request.ToJsonString()));

        Assert.True(code == 0, error);
        var review = JsonNode.Parse(output)!;
        Assert.Equal("AdmissionReview", review["kind"]!.GetValue<string>());
        Assert.Equal(allowed, review["response"]!["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Review_NullRequest_ReportsTheHttpErrorAndExits1()
    {
        var config = Write("config.yaml", StaticConfig);

        var (code, output, error) = await Run("review", "--config", config, Write("request.json", "null\n"));

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal("verity: HTTP 400: received empty admission request" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Review_BrokenConfig_Exits2WithOneLinePerError()
    {
        var config = Write("config.yaml", "validators:\n  - name: a\n    type: stati\n  - name: ok\n    type: static\n    approve: true\npolicy:\n  - pattern: x\n    validator: b\n");

        var (code, _, error) = await Run("review", "--config", config, Write("request.json", Job("my.reg/allow-me:1").ToJsonString()));

        Assert.Equal(2, code);
        var lines = error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"verity: configuration error: {config}:3: validators[0].type: unsupported validator type \"stati\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("policy[0].validator: the rule names validator \"b\"", StringComparison.Ordinal));
    }

    private static JsonObject Job(string image) => AdmissionRequests.Review("Job", "batch", "v1", new JsonObject
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = "j", ["namespace"] = "ns" },
        ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = AdmissionRequests.Containers(image) } } },
    });

    [Fact]
    public async Task Review_MissingRequestFile_Exits2()
    {
        var config = Write("config.yaml", StaticConfig);
        var (code, _, error) = await Run("review", "--config", config, Path.Combine(_dir.FullName, "nope.json"));
        Assert.Equal(2, code);
        Assert.StartsWith("verity: cannot read the request", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Text_PrintsRuleValidatorAndVerdict()
    {
        var config = Write("config.yaml", StaticConfig);

        var (code, output, _) = await Run("verify", "--config", config, "nginx:1.27", "quay.io/x/y:1");

        Assert.Equal(1, code);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("nginx:1.27: rule \"docker.io/library/*\", validator \"allow\" (static): trusted (no digest)", lines[0]);
        Assert.Equal("quay.io/x/y:1: rule \"*:*\", validator \"deny\" (static): denied: static deny by validator \"deny\" using rule \"*:*\"", lines[1]);
    }

    [Fact]
    public async Task Verify_AllTrusted_Exits0()
    {
        var config = Write("config.yaml", StaticConfig);
        var (code, _, _) = await Run("verify", "--config", config, "nginx", "my.reg/allow-me@sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff");
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Verify_Json_HasTheDocumentedFields()
    {
        var config = Write("config.yaml", StaticConfig);

        var (code, output, _) = await Run("verify", "--config", config, "--output", "json", "my.reg/allow-me@sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff", "Bad");

        Assert.Equal(1, code);
        var results = JsonNode.Parse(output)!.AsArray();
        var first = results[0]!.AsObject();
        Assert.Equal(["image", "rule", "validator", "allowed", "digest", "reason"], first.Select(p => p.Key));
        Assert.True(first["allowed"]!.GetValue<bool>());
        Assert.Equal("sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff", first["digest"]!.GetValue<string>());
        Assert.Null(first["reason"]);
        var second = results[1]!;
        Assert.False(second["allowed"]!.GetValue<bool>());
        Assert.Null(second["rule"]);
        Assert.Contains("lower case", second["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("verify", "--config")]
    [InlineData("review", "--bogus")]
    [InlineData("verify", "--config", "x.yaml", "--output", "xml", "nginx")]
    [InlineData("frobnicate")]
    public async Task BadUsage_Exits2WithAMessageOnStderr(params string[] args)
    {
        var (code, _, error) = await Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("verity: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MissingConfigFile_Exits2()
    {
        var (code, _, error) = await Run("verify", "--config", Path.Combine(_dir.FullName, "none.yaml"), "nginx");
        Assert.Equal(2, code);
        Assert.Contains("cannot read the configuration file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("review")]
    [InlineData("verify")]
    [InlineData("demo")]
    public async Task Help_IsAvailableForEveryCommand(string command)
    {
        var (code, output, _) = await Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(command, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_RunsTheEmbeddedScenario()
    {
        var (code, output, error) = await Run("demo");
        Assert.True(code == 0, output + error);
        Assert.Contains("ADMITTED  nginx:1.27", output, StringComparison.Ordinal);
        Assert.Contains("DENIED    evil.example/docker.io/library/nginx:1.27", output, StringComparison.Ordinal);
        Assert.Contains("All 4 verdicts as expected.", output, StringComparison.Ordinal);
    }
}
