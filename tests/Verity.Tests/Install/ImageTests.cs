using System.Diagnostics;
using System.Text.Json.Nodes;
using Verity.Testing;

namespace Verity.Tests.Install;

/// <summary>
/// scripts/image.sh builds an OCI image whose configuration matches build/Dockerfile and the chart: non-root user
/// 10001:20001, entrypoint /app/verity, port 5000, the serve arguments the chart passes, OCI labels. The test gives it
/// a stand-in publish folder (a real <c>dotnet publish</c> takes minutes) and reads the layout it writes.
/// </summary>
public sealed class ImageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-image-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ImageScript_BuildsANonRootImageWithTheChartsEntrypointPortAndLabels()
    {
        Assert.SkipUnless(OnPath("umoci") && OnPath("jq"), "umoci or jq is not installed (tests/harness/up.sh and scripts/test.sh install them: apt-get install umoci jq)");
        var publish = Directory.CreateDirectory(Path.Combine(_dir.FullName, "publish"));
        await File.WriteAllTextAsync(Path.Combine(publish.FullName, "verity"), "#!/bin/sh\n", TestContext.Current.CancellationToken);
        var layout = Path.Combine(_dir.FullName, "oci");

        var start = new ProcessStartInfo(RepositoryPaths.Path("scripts", "image.sh"))
        {
            ArgumentList = { "--publish-dir", publish.FullName, "--layout", layout, "--tag", "test", "--no-push" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"image.sh failed: {await stderr}");
        Assert.Equal($"{layout}:test", (await stdout).Trim());

        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json"), TestContext.Current.CancellationToken))!;
        var manifestEntry = Assert.Single(index["manifests"]!.AsArray());
        Assert.Equal("test", (string?)manifestEntry!["annotations"]!["org.opencontainers.image.ref.name"]);
        var manifest = Blob(layout, (string)manifestEntry["digest"]!);
        var image = Blob(layout, (string)manifest["config"]!["digest"]!);
        var config = image["config"]!;

        Assert.Equal("linux", (string?)image["os"]);
        Assert.Equal("10001:20001", (string?)config["User"]);
        Assert.Equal(["/app/verity"], config["Entrypoint"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(
            ["serve", "--config", "/app/config/config.yaml", "--urls", "https://0.0.0.0:5000", "--tls-cert", "/app/certs/tls.crt", "--tls-key", "/app/certs/tls.key"],
            config["Cmd"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["5000/tcp"], config["ExposedPorts"]!.AsObject().Select(p => p.Key));
        var labels = config["Labels"]!.AsObject();
        Assert.Equal("verity", (string?)labels["org.opencontainers.image.title"]);
        Assert.Equal(InstallCases.Chart().AppVersion, (string?)labels["org.opencontainers.image.version"]);
        Assert.NotNull(labels["org.opencontainers.image.source"]);
        Assert.Single(manifest["layers"]!.AsArray());

        // The Dockerfile says the same.
        var dockerfile = await File.ReadAllTextAsync(RepositoryPaths.Path("build", "Dockerfile"), TestContext.Current.CancellationToken);
        Assert.Contains("USER 10001:20001", dockerfile, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 5000", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/app/verity\"]", dockerfile, StringComparison.Ordinal);
    }

    private static JsonNode Blob(string layout, string digest) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..])))!;

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));
}
