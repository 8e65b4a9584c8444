using System.Diagnostics;
using Verity.Testing;

namespace Verity.IntegrationTests.Webhook;

/// <summary><c>dotnet run --project src/Verity -- …</c>, as the README says to start Verity, from the user's own folder.</summary>
[Trait("Category", "Integration")]
public sealed class DotnetRunTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task DotnetRun_RelativeConfigPath_IsResolvedAgainstTheCallersFolder()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "my.yaml"), "validators:\n  - name: default\n    type: static\n    approve: true\npolicy:\n  - pattern: \"*:*\"\n", TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["run", "--no-build", "-c", Configuration, "--project", RepositoryPaths.Path("src", "Verity"), "--", "verify", "--config", "my.yaml", "my.reg/app:1"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        Assert.StartsWith("my.reg/app:1: rule \"*:*\", validator \"default\" (static): trusted", await output, StringComparison.Ordinal);
    }
}
