using System.Diagnostics;
using System.Net.Security;
using System.Text;
using System.Text.Json;

namespace Verity.Testing;

/// <summary>
/// The built <c>verity</c> executable, started as a separate process (<c>dotnet verity.dll …</c>), with its
/// standard output and error captured.
/// </summary>
public sealed class VerityProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private VerityProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything written to standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything written to standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The path of the built <c>verity.dll</c> next to the test assembly.</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = System.IO.Path.Combine(AppContext.BaseDirectory, "verity.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("verity.dll is not next to the tests; reference src/Verity", path);
        }
    }

    /// <summary>Starts <c>verity</c> with <paramref name="arguments"/>.</summary>
    public static VerityProcess Start(params string[] arguments) => Start(null, arguments);

    /// <summary>
    /// A published executable to run instead of <c>dotnet verity.dll</c>: <c>VERITY_EXECUTABLE</c>, which
    /// <c>scripts/test.sh</c> sets to the Native AOT build for a second run of the executable tests.
    /// </summary>
    public static string? PublishedExecutable => Environment.GetEnvironmentVariable("VERITY_EXECUTABLE") is { Length: > 0 } path ? path : null;

    /// <summary>Starts <c>verity</c> with <paramref name="arguments"/> and these environment variables set.</summary>
    public static VerityProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var executable = PublishedExecutable;
        var start = new ProcessStartInfo(executable ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (executable is null)
        {
            start.ArgumentList.Add(AssemblyPath);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new VerityProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Runs <c>verity</c> to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var process = Start(arguments);
        process._process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        await process._process.WaitForExitAsync(cts.Token);
        process._process.WaitForExit();
        return (process._process.ExitCode, process.Output, process.Error);
    }

    /// <summary>Waits for the JSON log line "Verity is listening on …" and returns the first URL.</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in Output.Split('\n'))
            {
                if (line.Contains("\"EventId\":4004", StringComparison.Ordinal))
                {
                    using var log = JsonDocument.Parse(line);
                    var urls = log.RootElement.GetProperty("State").GetProperty("Urls").GetString()!;
                    return new Uri(urls.Split(',')[0].Trim());
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"verity exited with {_process.ExitCode}: {Error}{Output}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"verity did not report listening within {timeout}: {Error}{Output}");
    }

    /// <summary>An HTTP client that trusts exactly the certificate the server presents first (trust on first use, for tests).</summary>
    public static HttpClient PinningClient(Uri baseAddress)
    {
        string? pinned = null;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    var hash = certificate?.GetCertHashString();
                    pinned ??= hash;
                    return hash is not null && hash == pinned;
                },
            },
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
        }

        return _process.ExitCode;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            builder.AppendLine(line);
        }
    }
}
