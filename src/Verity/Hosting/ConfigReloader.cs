using System.Security.Cryptography;
using Verity.Core.Configuration;
using Verity.Logging;

namespace Verity.Hosting;

/// <summary>
/// Re-reads the configuration when its content changes and swaps in a new snapshot; a broken new
/// configuration is logged and the running one kept.
/// </summary>
/// <remarks>
/// Polls the content hash rather than watching the file: Kubernetes updates a mounted ConfigMap by
/// swapping symlinks, which file watchers miss.
/// </remarks>
internal sealed class ConfigReloader : BackgroundService
{
    private readonly string _path;
    private readonly TimeSpan _interval;
    private readonly PolicySnapshotProvider _snapshots;
    private readonly ILogger<ConfigReloader> _logger;

    public ConfigReloader(string path, TimeSpan interval, PolicySnapshotProvider snapshots, ILogger<ConfigReloader> logger)
    {
        _path = path;
        _interval = interval;
        _snapshots = snapshots;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_interval <= TimeSpan.Zero)
        {
            return;
        }

        var known = Hash();
        using var timer = new PeriodicTimer(_interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var current = Hash();
            if (current is null || current.AsSpan().SequenceEqual(known))
            {
                continue;
            }

            known = current;
            Log.ConfigurationChanged(_logger, _path);
            try
            {
                var snapshot = _snapshots.Load(_path);
                Log.ConfigurationLoaded(_logger, _path, snapshot.Configuration.Layout.ToString(), snapshot.Configuration.Validators.Length, snapshot.Policy.Rules.Length);
            }
            catch (ConfigurationException e)
            {
                Log.ConfigurationRejected(_logger, _path, e.Message);
            }
        }
    }

    private byte[]? Hash()
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(_path));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
