using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Verity.Cli;
using Verity.Hosting;
using Verity.Registry.Auth;

namespace Verity.Tests.Hosting;

/// <summary><c>serve --secrets-dir</c> and <c>--secrets-namespace</c> choose where <c>auth.secretName</c> secrets come from.</summary>
public sealed class SecretsWiringTests : IDisposable
{
    private const string Config = "validators:\n  - name: default\n    type: static\n    approve: true\npolicy:\n  - pattern: \"*\"\n";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-secrets-");

    public void Dispose() => _dir.Delete(recursive: true);

    private ServeOptions Options(string? secretsDir = null, string? secretsNamespace = null)
    {
        var config = Path.Combine(_dir.FullName, "config.yaml");
        File.WriteAllText(config, Config);
        return new ServeOptions
        {
            ConfigFile = config,
            Urls = ["https://127.0.0.1:0"],
            ReloadInterval = TimeSpan.Zero,
            LogLevel = "error",
            SecretsDirectory = secretsDir,
            SecretsNamespace = secretsNamespace,
        };
    }

    [Fact]
    public async Task SecretsDir_ReadsMountedSecretsFromThatDirectory()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_dir.FullName, "mounted", "regcred"));
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, ".dockerconfigjson"), "{\"auths\":{}}", TestContext.Current.CancellationToken);
        await using var app = WebhookHost.Build(Options(secretsDir: Path.Combine(_dir.FullName, "mounted")));

        var source = app.Services.GetRequiredService<ISecretSource>();
        var secret = await source.GetSecretAsync("regcred", TestContext.Current.CancellationToken);

        Assert.IsType<MountedSecretSource>(source);
        Assert.Equal("{\"auths\":{}}", Encoding.UTF8.GetString(secret![".dockerconfigjson"]));
    }

    [Fact]
    public async Task SecretsNamespace_ReadsSecretsFromTheKubernetesApi()
    {
        // No cluster here: give the host a client for an API server that is never called.
        await using var app = WebhookHost.Build(
            Options(secretsNamespace: "verity"),
            services => services.AddSingleton<k8s.IKubernetes>(new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "https://127.0.0.1:1" })));
        Assert.IsType<KubernetesSecretSource>(app.Services.GetRequiredService<ISecretSource>());
    }

    [Fact]
    public async Task Default_IsConnaisseursMountPath()
    {
        await using var app = WebhookHost.Build(Options());
        Assert.IsType<MountedSecretSource>(app.Services.GetRequiredService<ISecretSource>());
    }

    [Fact]
    public async Task SecretsNamespace_OutsideACluster_IsAUsageError()
    {
        using var stderr = new StringWriter();
        var code = await VerityCli.RunAsync(["serve", "--config", Options().ConfigFile, "--secrets-namespace", "verity"], TextWriter.Null, stderr);
        Assert.Equal(2, code);
        Assert.Contains("in-cluster", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothSources_IsAUsageError()
    {
        using var stderr = new StringWriter();
        var code = await VerityCli.RunAsync(["serve", "--config", Options().ConfigFile, "--secrets-dir", _dir.FullName, "--secrets-namespace", "x"], TextWriter.Null, stderr);
        Assert.Equal(2, code);
        Assert.Contains("cannot both be given", stderr.ToString(), StringComparison.Ordinal);
    }
}
