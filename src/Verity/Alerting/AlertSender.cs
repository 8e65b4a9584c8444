using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using Verity.Registry.Http;
using Verity.Logging;

namespace Verity.Alerting;

/// <summary>POSTs one rendered alert to its receiver, retrying timeouts, connection failures, 429 and 5xx.</summary>
/// <remarks>
/// <para>Uses the named client <see cref="ClientName"/> (no redirects: receiver URLs and custom headers often carry
/// credentials and must not follow a redirect to another host; a 3xx is a failure). Each attempt has its own timeout;
/// the caller's token bounds them all (the request deadline for failIfAlertSendingFails receivers, the server's
/// lifetime for the background queue). Only the status of an answer counts: its body is never read, so a body that
/// is endless, oversized or garbage costs nothing.</para>
/// <para>Between attempts: the receiver's <c>Retry-After</c> when it sends one no longer than
/// <see cref="AlertingOptions.MaxRetryAfter"/> (longer fails the delivery at once), else exponential back-off with
/// jitter (<see cref="RetryDelay.Backoff"/>), so that the replicas of a webhook do not retry in lockstep.</para>
/// <para>A refused TLS certificate is not retried and says why (another name, expired).</para>
/// <para>Logs name the receiver (<c>slack-0</c>) and the status, never the URL, header values or body.</para>
/// </remarks>
internal sealed class AlertSender
{
    /// <summary>The <see cref="IHttpClientFactory"/> client alerts are sent with.</summary>
    public const string ClientName = "Verity.Alerting";

    private readonly IHttpClientFactory _clients;
    private readonly AlertingOptions _options;
    private readonly AlertCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertSender> _logger;

    public AlertSender(IHttpClientFactory clients, AlertingOptions options, AlertCounters counters, TimeProvider time, ILogger<AlertSender> logger)
    {
        _clients = clients;
        _options = options;
        _counters = counters;
        _time = time;
        _logger = logger;
    }

    /// <summary>Delivers <paramref name="delivery"/>, or says why not; never throws but for the caller's own cancellation.</summary>
    public async Task<AlertOutcome> SendAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient(ClientName);
        int attempts = Math.Max(1, _options.MaxAttempts);
        string reason = "not sent";
        TimeSpan? retryAfter = null;
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                _counters.CountRetried();
                var delay = retryAfter ?? RetryDelay.Backoff(attempt - 1, _options.RetryDelay, _options.MaxRetryDelay);
                Log.AlertRetrying(_logger, delivery.ReceiverName, attempt, reason, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return Failed(delivery, reason + "; the deadline ended before the next attempt", true, attempt - 1);
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.AttemptTimeout);
            bool retry;
            retryAfter = null;
            try
            {
                using var request = Request(delivery);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                int status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    Log.AlertSent(_logger, delivery.ReceiverName, delivery.Stream.ToString().ToLowerInvariant(), status, attempt);
                    _counters.CountSent();
                    return new AlertOutcome(true, null, false, attempt);
                }

                if (status is >= 300 and < 400)
                {
                    // The location is not quoted: it may carry credentials of its own.
                    return Failed(delivery, $"the receiver answered HTTP {status}, a redirect, which is not followed", false, attempt);
                }

                reason = $"the receiver answered HTTP {status}";
                retry = status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                if (retry && RetryDelay.FromRetryAfter(response.Headers.RetryAfter, _time.GetUtcNow()) is { } wait)
                {
                    if (wait > _options.MaxRetryAfter)
                    {
                        return Failed(delivery, $"{reason} and asks to retry after {wait.TotalSeconds:0} s (more than {_options.MaxRetryAfter.TotalSeconds:0} s)", false, attempt);
                    }

                    retryAfter = wait;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Failed(delivery, "the deadline ended the attempt", true, attempt);
            }
            catch (OperationCanceledException)
            {
                reason = $"no answer within {_options.AttemptTimeout.TotalSeconds:0.###} s";
                retry = true;
            }
            catch (HttpRequestException e) when (Innermost(e) is AuthenticationException tls)
            {
                // The certificate check's reason (ServerCertificateValidation): another name, expired. Not retried.
                return Failed(delivery, $"TLS handshake refused: {tls.Message}", false, attempt);
            }
            catch (HttpRequestException e)
            {
                // The message of a connection failure names the host and port; the error kind is enough.
                reason = $"the request failed ({e.HttpRequestError})";
                retry = true;
            }

            if (!retry)
            {
                return Failed(delivery, reason, false, attempt);
            }
        }

        return Failed(delivery, reason, false, attempts);
    }

    private static HttpRequestMessage Request(AlertDelivery delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url);
        request.Content = new ByteArrayContent(delivery.Body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in delivery.Headers)
        {
            // Like Go's Header.Set: a custom header replaces the default Content-Type, and an empty value is sent empty.
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation("Content-Type", value);
            }
            else if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private AlertOutcome Failed(AlertDelivery delivery, string reason, bool deadline, int attempts)
    {
        // Logged before it is counted: whoever sees the count (a test, a scrape) finds the log line that explains it.
        Log.AlertFailed(_logger, delivery.ReceiverName, delivery.Stream.ToString().ToLowerInvariant(), reason, attempts);
        _counters.CountFailed();
        return new AlertOutcome(false, reason, deadline, attempts);
    }
}
