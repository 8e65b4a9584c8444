using System.Threading.Channels;
using Verity.Logging;

namespace Verity.Alerting;

/// <summary>
/// The bounded queue of alerts for receivers without <c>failIfAlertSendingFails</c>, and its single background sender.
/// </summary>
/// <remarks>
/// Admission never waits for these: <see cref="TryEnqueue"/> returns at once, and a full queue drops the alert and
/// counts it (<see cref="IAlertingMetrics.Dropped"/>) instead of growing or starting one task per alert. One worker
/// sends them in order, with the sender's retries; a receiver that hangs holds the queue for at most
/// <c>MaxAttempts × AttemptTimeout</c> plus the back-off (or its <c>Retry-After</c>, at most <c>MaxRetryAfter</c>).
/// </remarks>
internal sealed class AlertQueue : BackgroundService
{
    private readonly Channel<AlertDelivery> _channel;
    private readonly AlertSender _sender;
    private readonly AlertCounters _counters;
    private readonly ILogger<AlertQueue> _logger;

    public AlertQueue(AlertingOptions options, AlertSender sender, AlertCounters counters, ILogger<AlertQueue> logger)
    {
        _channel = Channel.CreateBounded<AlertDelivery>(new BoundedChannelOptions(Math.Max(1, options.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _sender = sender;
        _counters = counters;
        _logger = logger;
        counters.Depth = () => _channel.Reader.Count;
    }

    /// <summary>Queues an alert; false (dropped, counted, logged) when the queue is full.</summary>
    public bool TryEnqueue(AlertDelivery delivery)
    {
        if (_channel.Writer.TryWrite(delivery))
        {
            return true;
        }

        _counters.CountDropped();
        Log.AlertDropped(_logger, delivery.ReceiverName, delivery.Stream.ToString().ToLowerInvariant());
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _channel.Reader.ReadAllAsync(stoppingToken))
            {
                await _sender.SendAsync(delivery, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: alerts still queued are not sent.
        }
    }
}
