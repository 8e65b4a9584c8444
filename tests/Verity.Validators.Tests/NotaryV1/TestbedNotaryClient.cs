using System.Diagnostics;
using System.Globalization;
using Verity.Core.Images;
using Verity.Testing;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// The real <c>notary</c> client publishing a collection of its own on the test bed's Notary server, signed under the
/// test bed's root key, as the test bed itself publishes <c>test/app</c>.
/// </summary>
/// <remarks>
/// It works in a temporary trust directory that holds only the test bed's root key (copied from
/// <c>TESTBED_NOTARY_TRUST_DIR</c>), on a GUN no other test uses: the test bed's own collections and trust directory
/// are never touched. The targets and snapshot keys are made by <c>notary init</c>; the server keeps the timestamp key.
/// </remarks>
internal sealed class TestbedNotaryClient : IDisposable
{
    private readonly DirectoryInfo _directory;
    private readonly string _config;

    private TestbedNotaryClient(DirectoryInfo directory, string gun)
    {
        _directory = directory;
        _config = Path.Combine(directory.FullName, "client.json");
        Gun = gun;
    }

    /// <summary>The collection, e.g. <c>127.0.0.1:25000/test/resign-1a2b3c4d</c>.</summary>
    public string Gun { get; }

    /// <summary>Runs <c>notary init</c> for a new collection <c>test/&lt;prefix&gt;-&lt;random&gt;</c> of the test bed's registry.</summary>
    public static async Task<TestbedNotaryClient> InitAsync(string prefix, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("verity-notary-client-");
        var gun = $"{Testbed.Current["TESTBED_REGISTRY"]}/test/{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var client = new TestbedNotaryClient(directory, gun);
        try
        {
            var privateKeys = Directory.CreateDirectory(Path.Combine(directory.FullName, "trust", "private"));
            var rootKey = Testbed.Current["TESTBED_NOTARY_ROOT_KEYID_CANONICAL"] + ".key";
            File.Copy(Path.Combine(Testbed.Current["TESTBED_NOTARY_TRUST_DIR"], "private", rootKey), Path.Combine(privateKeys.FullName, rootKey));
            await File.WriteAllTextAsync(client._config, $$"""
                {
                  "trust_dir": "{{Path.Combine(directory.FullName, "trust")}}",
                  "remote_server": { "url": "{{Testbed.Current["TESTBED_NOTARY_URL"]}}", "root_ca": "{{Testbed.Current["TESTBED_CA_CERT"]}}" }
                }
                """, cancellationToken);
            await client.RunAsync(cancellationToken, "init", gun);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Signs <paramref name="tag"/> for <paramref name="digest"/> in the top-level targets role and publishes.</summary>
    public async Task SignAsync(string tag, Digest digest, CancellationToken cancellationToken)
    {
        await RunAsync(cancellationToken, "addhash", Gun, tag, "1024", "--sha256", digest.Hex);
        await RunAsync(cancellationToken, "publish", Gun);
    }

    /// <summary>Rotates the collection's root key to a new one (<c>notary key rotate GUN root</c>), which the old root key cross-signs.</summary>
    public Task RotateRootKeyAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken, "key", "rotate", Gun, "root");

    /// <inheritdoc/>
    public void Dispose() => _directory.Delete(recursive: true);

    private async Task RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("notary")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_config);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "NOTARY_ROOT_PASSPHRASE", "NOTARY_TARGETS_PASSPHRASE", "NOTARY_SNAPSHOT_PASSPHRASE", "NOTARY_DELEGATION_PASSPHRASE" })
        {
            start.Environment[name] = Testbed.Current[name];
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("notary did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));

        // Root rotation asks for confirmation; other commands may exit without reading it (a broken pipe is then no error:
        // the exit code below says how the command went).
        try
        {
            await process.StandardInput.WriteLineAsync("yes".AsMemory(), timeout.Token);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture, $"notary {string.Join(' ', arguments)} exited with {process.ExitCode}: {text}"));
        }
    }
}
