using System.Text.Json.Nodes;
using static Verity.Tests.Cli.CliRun;

namespace Verity.Tests.Cli;

/// <summary><c>verity config validate|show</c> and <c>verity verify --namespace</c>.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private const string Config = """
        application:
          validators:
            - name: deny
              type: static
              approve: false
            - name: private
              type: notaryv1
              host: notary.example
              auth:
                username: robot
                password: hunter2
              trustRoots:
                - name: default
                  key: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsx28WV7BsQfnHF1kZmpdCTTLJaWed0CA+JOi8H4REuBaWSZ5zPDe468WuOJ6f71E7WFg3CVEVYHuoZt2UYbN/Q==
          policy:
            - pattern: "*:*"
              validator: deny
            - pattern: "my.reg/*"
              validator: private
          features:
            detectionMode: true
            detectionModeOverrides:
              - detectionMode: false
                namespaces: [prod]
              - detectionMode: false
                namespaceSelector:
                  matchLabels: {tier: critical}
        alerting:
          rejectRequest:
            receivers:
              - template: slack
                receiverUrl: https://hooks.slack.example/services/T000/B000/SECRETTOKEN
                customHeaders: ["Authorization: Bearer SECRETHEADER"]
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-config-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string content)
    {
        var path = Path.Combine(_dir.FullName, "values.yaml");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Validate_GoodFile_SummarisesAndExitsZero()
    {
        var (code, output, _) = await Run("config", "validate", Write(Config));

        Assert.Equal(0, code);
        Assert.Contains("valid (HelmValuesV3: 2 validators, 2 rules, 0 warnings)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenFile_ListsEveryErrorWithItsPathAndExitsTwo()
    {
        var (code, _, errors) = await Run("config", "validate", Write(Config.Replace("approve: false", "aprove: false", StringComparison.Ordinal)));

        Assert.Equal(2, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("application.validators[0]: a static validator needs approve: true or approve: false", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("application.validators[0].aprove: unknown key \"aprove\"; did you mean \"approve\"?", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("application.policy[0].validator: follow-on error: validator \"deny\" could not be loaded", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("not defined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_FillsDefaultsAndRedactsSecrets()
    {
        var (code, output, _) = await Run("config", "show", Write(Config));

        Assert.Equal(0, code);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETTOKEN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETHEADER", output, StringComparison.Ordinal);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("https://notary.example/", json["validators"]![1]!["host"]!.GetValue<string>());
        Assert.Equal("<redacted>", json["validators"]![1]!["auth"]!["password"]!.GetValue<string>());
        Assert.Equal(30, json["features"]!["cacheExpirySeconds"]!.GetValue<int>());
        Assert.True(json["features"]!["automaticChildApproval"]!.GetValue<bool>());
        Assert.Equal("https://hooks.slack.example/<redacted>", json["alerting"]!["rejectRequest"]![0]!["receiverUrl"]!.GetValue<string>());
        Assert.Equal("Authorization: <redacted>", json["alerting"]!["rejectRequest"]![0]!["customHeaders"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("prod", new string[0], "namespace \"prod\": enforce, by application.features.detectionModeOverrides[0]")]
    [InlineData("payments", new[] { "tier=critical" }, "namespace \"payments\": enforce, by application.features.detectionModeOverrides[1]")]
    [InlineData("dev", new string[0], "namespace \"dev\": audit (denials are admitted with warnings), by the global detectionMode")]
    public async Task Verify_Namespace_SaysWhichModeApplies(string ns, string[] labels, string expected)
    {
        string[] args = ["verify", "--config", Write(Config), "--namespace", ns, .. labels.SelectMany(l => new[] { "--namespace-label", l }), "docker.io/library/nginx:1"];

        var (code, output, _) = await Run(args);

        Assert.Equal(1, code);
        Assert.Equal(expected, output.Split('\n')[0]);
    }
}
