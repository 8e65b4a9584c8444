using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing;

/// <summary>
/// A <c>redis-server</c> of a test's own on a free 127.0.0.1 port (no persistence), optionally with a password and TLS
/// only (a throwaway CA from <see cref="TestPki"/>), which the test may kill mid-run. Stopped by its process id.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private RedisServer(Process process, DirectoryInfo directory, int port, string? caFile)
    {
        _process = process;
        _directory = directory;
        Port = port;
        CaFile = caFile;
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The CA file clients must trust, when TLS is on.</summary>
    public string? CaFile { get; }

    /// <summary>Whether the server process still runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts a server and waits until it accepts connections.</summary>
    /// <param name="password">Require this password (<c>requirepass</c>).</param>
    /// <param name="tls">Serve TLS only, with a certificate for 127.0.0.1 from <paramref name="tls"/>.</param>
    /// <param name="certificate">With <paramref name="tls"/>: serve this certificate (issued by its CA) instead of its server
    /// certificate, e.g. one for another name or an expired one.</param>
    public static async Task<RedisServer> StartAsync(string? password = null, TestPki? tls = null, X509Certificate2? certificate = null)
    {
        var directory = Directory.CreateTempSubdirectory("verity-redis-");
        var port = FreePort();
        var arguments = new List<string> { "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.FullName, "--protected-mode", "yes" };
        string? caFile = null;
        if (tls is not null)
        {
            caFile = Path.Combine(directory.FullName, "ca.crt");
            var certFile = Path.Combine(directory.FullName, "server.crt");
            var keyFile = Path.Combine(directory.FullName, "server.key");
            await File.WriteAllTextAsync(caFile, tls.CaCertificate.ExportCertificatePem());
            var served = certificate ?? tls.ServerCertificate;
            await File.WriteAllTextAsync(certFile, served.ExportCertificatePem());
            using var key = served.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the server certificate has no ECDSA key");
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
            arguments.AddRange(["--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", caFile, "--tls-auth-clients", "no"]);
        }
        else
        {
            arguments.AddRange(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (password is not null)
        {
            arguments.AddRange(["--requirepass", password]);
        }

        return await LaunchAsync(arguments, directory, port, caFile);
    }

    /// <summary>Starts a server with arguments of the caller's (given the free port it is to listen on) and waits until it
    /// accepts connections on that port: for checking a command line written elsewhere, such as the Helm chart's.</summary>
    public static async Task<RedisServer> StartWithArgumentsAsync(Func<int, DirectoryInfo, IEnumerable<string>> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var directory = Directory.CreateTempSubdirectory("verity-redis-");
        var port = FreePort();
        return await LaunchAsync([.. arguments(port, directory)], directory, port, caFile: null);
    }

    private static async Task<RedisServer> LaunchAsync(List<string> arguments, DirectoryInfo directory, int port, string? caFile)
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, directory, port, caFile);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                server.Dispose();
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode} (is it installed? tests/harness/up.sh installs it)");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as an outage would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
