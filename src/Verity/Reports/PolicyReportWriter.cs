using Verity.Core.Cluster;
using Verity.Logging;

namespace Verity.Reports;

/// <summary>
/// Writes admission results as <c>PolicyReport</c> resources, one per namespace, batched in the background.
/// </summary>
/// <remarks>
/// <para>Admission only records (<see cref="Record"/>: no I/O, never blocks); every <see cref="FlushInterval"/> the
/// namespaces that changed are written through the cluster port, one request each. Results are deduplicated by
/// workload kind, name and image (the newest wins), each namespace keeps its newest
/// <c>maxResultsPerNamespace</c>, and at most <see cref="MaxNamespaces"/> namespaces are kept: a burst of Pods costs
/// at most one write per namespace per interval, never one per Pod. A write that fails is logged and retried at the
/// next interval; what it would have written stays. Reports are rebuilt from what this replica saw since it
/// started, so a restarted replica overwrites its report with fewer results until traffic fills it again.</para>
/// </remarks>
internal sealed class PolicyReportWriter(IClusterAccess cluster, TimeProvider time, ILogger<PolicyReportWriter> logger) : BackgroundService
{
    /// <summary>The most namespaces kept; results for further namespaces are dropped and counted.</summary>
    public const int MaxNamespaces = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, NamespaceResults> _namespaces = new(StringComparer.Ordinal);
    private long _dropped;

    /// <summary>How often changed namespaces are written.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one write may take.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Results dropped because too many namespaces were kept.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Keeps results of one request for the next write of its namespace.</summary>
    public void Record(string @namespace, IEnumerable<PolicyReportResult> results, int maxPerNamespace)
    {
        lock (_lock)
        {
            if (!_namespaces.TryGetValue(@namespace, out var kept))
            {
                if (_namespaces.Count >= MaxNamespaces)
                {
                    Interlocked.Add(ref _dropped, results.Count());
                    return;
                }

                _namespaces[@namespace] = kept = new NamespaceResults();
            }

            foreach (var result in results)
            {
                kept.Results[(result.Kind, result.Name, result.Image)] = result;
            }

            while (kept.Results.Count > maxPerNamespace)
            {
                kept.Results.Remove(kept.Results.MinBy(r => r.Value.Timestamp).Key);
            }

            kept.Dirty = true;
        }
    }

    /// <summary>Writes every namespace that changed since its last write.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<PolicyReport> reports = [];
        lock (_lock)
        {
            foreach (var (name, kept) in _namespaces)
            {
                if (kept.Dirty)
                {
                    kept.Dirty = false;
                    reports.Add(new PolicyReport { Namespace = name, Results = [.. kept.Results.Values.OrderBy(r => r.Timestamp)] });
                }
            }
        }

        foreach (var report in reports)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(WriteTimeout);
            try
            {
                await cluster.SavePolicyReportAsync(report, timeout.Token);
            }
            catch (Exception e) when (e is ClusterAccessException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Log.PolicyReportNotWritten(logger, report.Namespace, e.Message);
                lock (_lock)
                {
                    if (_namespaces.TryGetValue(report.Namespace, out var kept))
                    {
                        kept.Dirty = true;
                    }
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed class NamespaceResults
    {
        public Dictionary<(string Kind, string Name, string Image), PolicyReportResult> Results { get; } = [];

        public bool Dirty { get; set; }
    }
}
