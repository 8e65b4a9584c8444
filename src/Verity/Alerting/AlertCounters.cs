namespace Verity.Alerting;

/// <summary>The process's alert delivery counters; the queue reports its depth.</summary>
internal sealed class AlertCounters : IAlertingMetrics
{
    private long _sent;
    private long _failed;
    private long _dropped;
    private long _retried;

    public Func<int> Depth { get; set; } = () => 0;

    public int QueueDepth => Depth();

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Retried => Interlocked.Read(ref _retried);

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void CountFailed() => Interlocked.Increment(ref _failed);

    public void CountDropped() => Interlocked.Increment(ref _dropped);

    public void CountRetried() => Interlocked.Increment(ref _retried);
}
