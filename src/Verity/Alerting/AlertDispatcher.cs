using Verity.Core.Alerting;
using Verity.Core.Configuration;
using Verity.Logging;

namespace Verity.Alerting;

/// <summary>
/// Sends the alerts of one admission decision: to <c>alerting.admitRequest</c> receivers when admitted, to
/// <c>alerting.rejectRequest</c> receivers when denied.
/// </summary>
/// <remarks>
/// <para>Receivers without <c>failIfAlertSendingFails</c> are rendered now (so the timestamp is the decision's) and
/// queued for the background sender (<see cref="AlertQueue"/>): admission does not wait for them. Receivers with it are
/// sent here, all at once, within what is left of the request's deadline, and the first of them (in configuration
/// order) that fails is returned as a denial reason naming the receiver, never its URL.</para>
/// <para>Connaisseur (internal/alert/alerting.go) does the same with one goroutine per receiver and no queue.</para>
/// </remarks>
internal sealed class AlertDispatcher
{
    private readonly AlertingOptions _options;
    private readonly AlertQueue _queue;
    private readonly AlertSender _sender;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertDispatcher> _logger;

    public AlertDispatcher(AlertingOptions options, AlertQueue queue, AlertSender sender, TimeProvider time, ILogger<AlertDispatcher> logger)
    {
        _options = options;
        _queue = queue;
        _sender = sender;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Sends the alerts of <paramref name="alert"/>; returns null, or why a <c>failIfAlertSendingFails</c> receiver
    /// could not be told (the request is then denied).
    /// </summary>
    /// <param name="snapshot">The configuration the decision was made with.</param>
    /// <param name="alert">The decision.</param>
    /// <param name="deadline">The request's deadline: blocking receivers must have answered by then.</param>
    public async Task<string?> DispatchAsync(PolicySnapshot snapshot, AlertEvent alert, CancellationToken deadline)
    {
        var settings = snapshot.Alerting;
        var receivers = alert.Stream == AlertStream.Admit ? settings.AdmitRequest : settings.RejectRequest;
        if (!_options.Enabled || receivers.IsDefaultOrEmpty)
        {
            return null;
        }

        var stream = alert.Stream == AlertStream.Admit ? "admit" : "reject";
        var values = new AlertValues
        {
            AlertMessage = alert.AlertMessage,
            ConnaisseurPodId = _options.PodName,
            Namespace = alert.Namespace,
            Cluster = settings.ClusterIdentifier,
            Timestamp = AlertValues.GoTimestamp(_time.GetUtcNow()),
            RequestId = alert.RequestId,
            Images = string.Join(", ", alert.Images),
            Result = alert.ResultName,
            Error = alert.Error ?? string.Empty,
        };

        List<(int Index, AlertReceiver Receiver, Task<AlertOutcome> Send)>? blocking = null;
        for (int i = 0; i < receivers.Length; i++)
        {
            var receiver = receivers[i];
            byte[]? body;
            try
            {
                body = snapshot.AlertTemplates.TryGetValue(receiver.Template, out var template)
                    ? template.Render(values with { Priority = receiver.Priority }, receiver.PayloadFields)
                    : throw new AlertTemplateException("the template was not loaded with the configuration");
            }
            catch (AlertTemplateException e)
            {
                // Checked when the configuration loaded with values that cover every case; reaching this is a bug.
                Log.AlertNotRendered(_logger, receiver.Name, stream, e.Message);
                if (receiver.FailIfAlertSendingFails)
                {
                    return Failure(receiver, "its template did not render");
                }

                continue;
            }

            if (body is null)
            {
                Log.AlertEmpty(_logger, receiver.Name, stream);
                continue;
            }

            var delivery = new AlertDelivery
            {
                ReceiverName = receiver.Name,
                Stream = alert.Stream,
                Url = receiver.ReceiverUrl,
                Headers = receiver.CustomHeaders,
                Body = body,
            };
            if (receiver.FailIfAlertSendingFails)
            {
                (blocking ??= []).Add((i, receiver, _sender.SendAsync(delivery, deadline)));
            }
            else
            {
                _queue.TryEnqueue(delivery);
            }
        }

        if (blocking is null)
        {
            return null;
        }

        await Task.WhenAll(blocking.Select(b => b.Send));
        foreach (var (index, receiver, send) in blocking)
        {
            var outcome = await send;
            if (outcome.Delivered)
            {
                continue;
            }

            return outcome.DeadlineExpired
                ? $"error sending notifications: timeout during handling of receiver {receiver.Name} ({index + 1}/{receivers.Length}) of {stream} alerts"
                : Failure(receiver, outcome.Reason ?? "not delivered");
        }

        return null;
    }

    private static string Failure(AlertReceiver receiver, string reason) =>
        $"error sending notifications: failed sending a notification for receiver {receiver.Name} with failIfAlertSendingFails set: {reason}";
}
