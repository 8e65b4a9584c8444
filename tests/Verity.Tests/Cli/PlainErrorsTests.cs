using System.Text.Json.Nodes;
using static Verity.Tests.Cli.CliRun;

namespace Verity.Tests.Cli;

/// <summary>Every command speaks plainly: one line per error naming the thing and the cause, readable JSON.</summary>
public sealed class PlainErrorsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-plain-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string NotaryDownConfig() => Write("down.yaml", """
        validators:
          - name: n
            type: notaryv1
            host: https://127.0.0.1:1
            trustRoots:
              - name: default
                key: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsx28WV7BsQfnHF1kZmpdCTTLJaWed0CA+JOi8H4REuBaWSZ5zPDe468WuOJ6f71E7WFg3CVEVYHuoZt2UYbN/Q==
        policy:
          - pattern: "*:*"
            validator: n
        """);

    [Fact]
    public async Task Verify_NotaryServerDown_OneLineNamingHostAndCause_NoStackTrace()
    {
        var (code, output, errors) = await Run("verify", "--config", NotaryDownConfig(), "docker.io/acme/app:1");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, errors);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("could not reach Notary server 127.0.0.1:1", line, StringComparison.Ordinal);
        Assert.Contains("Connection refused", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotaryRootKey_ServerDown_OneLineNamingHostAndCause()
    {
        var (code, _, errors) = await Run("notary", "root-key", "--server", "https://127.0.0.1:1", "docker.io/acme/app");

        Assert.NotEqual(0, code);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("127.0.0.1:1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexpectedError_Verbose_PrintsTheStackTrace()
    {
        var (_, _, errors) = await Run("sigstore", "verify-bundle", "--verbose", "--bundle", Path.Combine(_dir.FullName, "absent.json"), "--key", Path.Combine(_dir.FullName, "absent.pem"), "sha256:" + new string('a', 64));

        Assert.Contains("absent", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_TypoInOneValidator_ReportsTheCauseFirstAndFollowOnsAsSuch()
    {
        var config = Write("typo.yaml", """
            validators:
              - name: allow
                type: static
                aprove: true
            policy:
              - pattern: "*:*"
                validator: allow
              - pattern: "my.reg/*"
                validator: allow
            """);

        var (code, _, errors) = await Run("verify", "--config", config, "my.reg/app:1");

        Assert.Equal(2, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("validators[0]: a static validator needs approve: true or approve: false", lines[0], StringComparison.Ordinal);
        Assert.Contains("validators[0].aprove: unknown key \"aprove\"; did you mean \"approve\"?", lines[1], StringComparison.Ordinal);
        Assert.All(lines.Skip(2), l => Assert.Contains("follow-on error: validator \"allow\" could not be loaded", l, StringComparison.Ordinal));
        Assert.DoesNotContain("is not defined", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_JsonOutput_IsReadable()
    {
        var config = Write("static.yaml", "validators:\n  - name: deny\n    type: static\n    approve: false\npolicy:\n  - pattern: \"*:*\"\n    validator: deny\n");

        var (_, output, _) = await Run("verify", "--config", config, "--output", "json", "registry.example/app+x:1");

        Assert.DoesNotContain("\\u0022", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", output, StringComparison.Ordinal);
        Assert.Contains("\"image\": \"registry.example/app+x:1\"", output, StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(output));
    }

    [Fact]
    public async Task UnexpectedError_IsOneLineWithItsCauses()
    {
        var (code, _, errors) = await Run("sigstore", "verify-bundle", "--bundle", Path.Combine(_dir.FullName, "absent.json"), "--key", Path.Combine(_dir.FullName, "absent.pem"), "sha256:" + new string('a', 64));

        Assert.Equal(2, code);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("absent", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
    }
}
