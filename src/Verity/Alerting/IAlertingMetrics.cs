namespace Verity.Alerting;

/// <summary>Counters of alert delivery, for a metrics endpoint to read.</summary>
public interface IAlertingMetrics
{
    /// <summary>Alerts waiting for the background sender now.</summary>
    int QueueDepth { get; }

    /// <summary>Alerts a receiver accepted (2xx).</summary>
    long Sent { get; }

    /// <summary>Alerts given up on after their last attempt (or their deadline).</summary>
    long Failed { get; }

    /// <summary>Alerts not queued because the queue was full.</summary>
    long Dropped { get; }

    /// <summary>Attempts repeated after a timeout, connection failure, 429 or 5xx.</summary>
    long Retried { get; }
}
