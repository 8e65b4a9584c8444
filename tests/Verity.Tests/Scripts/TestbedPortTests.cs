using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Verity.Testing;

namespace Verity.Tests.Scripts;

/// <summary>
/// <c>scripts/lib.sh</c> gives each checkout's test bed ports nothing else listens on: another checkout's test bed (or
/// any program) on the range the checkout's path derives does not stop this one from starting.
/// </summary>
public sealed class TestbedPortTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-ports-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ChoosePortBase_DerivedRangeInUse_TakesTheNextFreeRange()
    {
        int derived = int.Parse(await Bash("echo $((20000 + (checkout_hash % 300) * 40))"), System.Globalization.CultureInfo.InvariantCulture);
        using var busy = Listen(derived + 7);

        int chosen = int.Parse(await Bash("choose_port_base"), System.Globalization.CultureInfo.InvariantCulture);

        Assert.NotEqual(derived, chosen);
        Assert.Equal(0, (chosen - 20000) % 40);
        Assert.Equal("free", await Bash($"port_range_free {chosen} && echo free"));
    }

    [Fact]
    public async Task ChoosePortBase_StoppedTestbedsRangeNowBusy_IsNotReused()
    {
        int derived = int.Parse(await Bash("echo $((20000 + (checkout_hash % 300) * 40))"), System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, ".port_base"), derived + "\n", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "run"));
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "run", "registry.pid"), "999999999\n", TestContext.Current.CancellationToken);
        using var busy = Listen(derived);

        int chosen = int.Parse(await Bash("choose_port_base"), System.Globalization.CultureInfo.InvariantCulture);

        Assert.NotEqual(derived, chosen);
    }

    [Fact]
    public async Task ExplicitPortBase_IsKept()
    {
        Assert.Equal("24000", await Bash("echo $VERITY_TESTBED_PORT_BASE", ("VERITY_TESTBED_PORT_BASE", "24000")));
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException)
        {
            // Something else already listens there, which is as good for the test.
        }

        return listener;
    }

    private async Task<string> Bash(string command, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("bash", ["-c", $"source \"{RepositoryPaths.Path("scripts", "lib.sh")}\" && {command}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["VERITY_TESTBED_DIR"] = _dir.FullName;
        start.Environment.Remove("VERITY_TESTBED_PORT_BASE");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await error);
        return (await output).Trim();
    }
}
