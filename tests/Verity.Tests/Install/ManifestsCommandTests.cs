using Verity.Cli;

namespace Verity.Tests.Install;

/// <summary><c>verity manifests</c> on the command line: output for kubectl, one-line errors, exit 2 for usage and configuration errors.</summary>
public sealed class ManifestsCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-manifests-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string content)
    {
        var path = Path.Combine(_dir.FullName, "values.yaml");
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await VerityCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Manifests_WithoutValues_PrintsTheChartDefaultsForTheGivenNamespace()
    {
        var (code, output, errors) = await Run("manifests", "--namespace", "admission");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, errors);
        Assert.Contains("name: verity-svc.admission.svc", output, StringComparison.Ordinal);
        Assert.Contains(InstallCases.Typed(output), o => o is k8s.Models.V1Namespace { Metadata.Name: "admission" });
    }

    [Fact]
    public async Task Manifests_InvalidConfiguration_ExitsTwoWithTheKeyPath()
    {
        var (code, output, errors) = await Run("manifests", "--values", Write("application:\n  policy:\n    - pattern: \"*:*\"\n      validator: nowhere\n"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("configuration error", errors, StringComparison.Ordinal);
        Assert.Contains("nowhere", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifests_CertificateWithoutKey_ExitsTwoInOneLine()
    {
        var (code, _, errors) = await Run("manifests", "--values", Write("kubernetes:\n  deployment:\n    tls:\n      cert: x\n"));
        Assert.Equal(2, code);
        Assert.Equal("verity: kubernetes.deployment.tls has a cert but no key", errors.Trim());
    }

    [Fact]
    public async Task Manifests_OwnCertificateAndCertManagerTogether_ExitsTwoInOneLine()
    {
        var (code, _, errors) = await Run("manifests", "--values", Write("kubernetes:\n  deployment:\n    tls:\n      cert: x\n      key: y\n      certManager:\n        enabled: true\n"));
        Assert.Equal(2, code);
        Assert.Equal("verity: kubernetes.deployment.tls: cert/key and certManager.enabled exclude each other", errors.Trim());
    }

    [Fact]
    public async Task Manifests_RedisCertificateWithoutKey_ExitsTwoInOneLine()
    {
        var (code, _, errors) = await Run("manifests", "--values", Write("kubernetes:\n  redis:\n    enabled: true\n    tls:\n      cert: x\n"));
        Assert.Equal(2, code);
        Assert.Equal("verity: kubernetes.redis.tls has a cert but no key", errors.Trim());
    }

    [Fact]
    public async Task Manifests_BadNamespaceOrMissingFile_ExitTwo()
    {
        Assert.Equal(2, (await Run("manifests", "--namespace", "Not_A_Namespace")).Code);
        var missing = await Run("manifests", "--values", Path.Combine(_dir.FullName, "absent.yaml"));
        Assert.Equal(2, missing.Code);
        Assert.Single(missing.Err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Manifests_ValuesThatAreNotAMapping_ExitTwo()
    {
        var (code, _, errors) = await Run("manifests", "--values", Write("- a\n- b\n"));
        Assert.Equal(2, code);
        Assert.Contains("must be a YAML mapping", errors, StringComparison.Ordinal);
    }
}
