using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Alerting;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Tests.Admission;
using Verity.Tests.Faults;
using Verity.Tests.Hosting;

namespace Verity.Tests.Alerting;

/// <summary>
/// The fault matrix of alert receivers (issue #10): a receiver that refuses, stalls, drips, fails, throttles,
/// oversends, answers garbage, redirects to another host, or presents a TLS certificate for another name or an expired
/// one. Every case goes through the HTTPS webhook with the executable's sender, to an HTTPS receiver on 127.0.0.1 whose
/// URL and headers carry secrets.
/// </summary>
/// <remarks>
/// A receiver with <c>failIfAlertSendingFails</c> that cannot be told turns the decision into a denial within the
/// deadline, naming the receiver and the cause but never its URL or headers; one without it never delays the decision,
/// and its failure is counted. Either way no connection to the receiver is left behind.
/// </remarks>
[Trait("Category", "Integration")]
public sealed class AlertFaultTests : IDisposable
{
    private const string Admitted = "securesystemsengineering/alice-image:test";
    private static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(5);

    private readonly TestPki _pki = TestPki.Create("Receivers");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _pki.Dispose();

    /// <summary>The fault, and what a blocking receiver's denial names (null: the alert is delivered and the request admitted).</summary>
    public static TheoryData<string, string?> Faults => new()
    {
        { "refused", "the request failed (ConnectionError)" },
        { "stall", "receiver slack-0" },
        { "drip after a 200", null },
        { "drip after a 503", "the receiver answered HTTP 503" },
        { "5xx", "the receiver answered HTTP 503" },
        { "429 with a long Retry-After", "asks to retry after 3600 s" },
        { "429 with a short Retry-After, once", null },
        { "oversized answer", null },
        { "garbage answer", null },
        { "redirect to another host", "a redirect, which is not followed" },
        { "TLS certificate for another name", "TLS certificate is for another name" },
        { "TLS certificate expired", "TLS certificate expired on" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task BlockingReceiver_Fault_DeniesNamingTheReceiverNotItsUrl_WithinTheDeadline_WithoutLeakingSockets(string fault, string? cause)
    {
        await using var elsewhere = await Receiver(_pki.ServerCertificate, []);
        await using var receiver = await Receiver(Certificate(fault), [Fault(fault, elsewhere.BaseUri)]);
        var url = Url(fault, receiver);
        await using var server = await Start(url, blocking: true);

        var sockets = 0;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            var response = await ReviewAsync(server);
            clock.Stop();

            var message = response["status"]?["message"]?.GetValue<string>() ?? string.Empty;
            Assert.True(clock.Elapsed < WebhookTimeout + TimeSpan.FromSeconds(2), $"answered after {clock.Elapsed}: {message}");
            if (cause is null)
            {
                Assert.True(response["allowed"]!.GetValue<bool>(), message);
            }
            else
            {
                Assert.False(response["allowed"]!.GetValue<bool>(), "admitted although the blocking receiver was not told");
                Assert.StartsWith("error sending notifications: ", message, StringComparison.Ordinal);
                Assert.Contains("receiver slack-0", message, StringComparison.Ordinal);
                Assert.True(message.Contains(cause, StringComparison.Ordinal), $"round {round + 1}: \"{cause}\" not in: {message}");
                AssertNoSecretIn(message);
            }

            sockets = await CheckSocketsAsync(url.Port, round, sockets);
        }

        Assert.Empty(elsewhere.Requests);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task NonBlockingReceiver_Fault_NeitherDelaysNorChangesTheDecision_AndIsCounted_WithoutLeakingSockets(string fault, string? cause)
    {
        await using var elsewhere = await Receiver(_pki.ServerCertificate, []);
        await using var receiver = await Receiver(Certificate(fault), [Fault(fault, elsewhere.BaseUri)]);
        var url = Url(fault, receiver);
        await using var server = await Start(url, blocking: false);
        var metrics = server.Services.GetRequiredService<IAlertingMetrics>();

        var sockets = 0;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            var response = await ReviewAsync(server);
            clock.Stop();

            // Admission does not wait for the receiver: well within one attempt's timeout even when it stalls.
            Assert.True(response["allowed"]!.GetValue<bool>());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"answered after {clock.Elapsed}");
            await Eventually(() => metrics.Sent + metrics.Failed == round + 1);
            if (cause is null)
            {
                Assert.Equal(round + 1, metrics.Sent);
            }
            else
            {
                Assert.Equal(round + 1, metrics.Failed);
            }

            sockets = await CheckSocketsAsync(url.Port, round, sockets);
        }

        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task ReceiverThrottling_ShortRetryAfter_IsWaitedForBeforeTheRetry()
    {
        var times = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        await using var receiver = await TestHttpServer.StartAsync(async context =>
        {
            times.Enqueue(DateTimeOffset.UtcNow);
            if (times.Count == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "2";
            }

            await context.Response.WriteAsync("ok", context.RequestAborted);
        }, _pki.ServerCertificate);
        await using var server = await Start(new Uri(receiver.BaseUri, "hooks/SECRETPATH"), blocking: true);

        var response = await ReviewAsync(server);

        Assert.True(response["allowed"]!.GetValue<bool>(), response["status"]?["message"]?.GetValue<string>());
        var arrived = times.ToArray();
        Assert.Equal(2, arrived.Length);
        // The back-off alone would retry after 25-50 ms; Retry-After asked for 2 s (less a margin for clock granularity).
        Assert.True(arrived[1] - arrived[0] >= TimeSpan.FromSeconds(1.8), $"retried after {arrived[1] - arrived[0]}");
    }

    private static AlertingOptions Options => new()
    {
        PodName = "verity-test-pod",
        MaxAttempts = 3,
        AttemptTimeout = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryAfter = TimeSpan.FromSeconds(3),
    };

    private Task<WebhookServer> Start(Uri url, bool blocking)
    {
        var config = AdmissionFixture.MutateTestConfig + $"""

            alerting:
              admitRequest:
                receivers:
                  - template: slack
                    receiverUrl: "{url}"
                    failIfAlertSendingFails: {(blocking ? "true" : "false")}
                    customHeaders: ["Authorization: Bearer SECRETHEADER"]
            """;
        var alerting = Options with { CaCertificates = [_pki.CaCertificate] };
        return WebhookServer.StartAsync(config, timeout: WebhookTimeout, services: collection => collection.Replace(ServiceDescriptor.Singleton(alerting)));
    }

    private X509Certificate2 Certificate(string fault) => fault switch
    {
        "TLS certificate for another name" => _pki.CreateServerCertificate("alerts.other.example"),
        "TLS certificate expired" => _pki.CreateExpiredServerCertificate("127.0.0.1", "localhost"),
        _ => _pki.ServerCertificate,
    };

    private static Uri Url(string fault, TestHttpServer receiver) =>
        new(fault == "refused" ? new Uri($"https://127.0.0.1:{ClosedPort()}/") : receiver.BaseUri, "hooks/SECRETPATH?token=SECRETQUERY");

    private static IRegistryFault? Fault(string fault, Uri elsewhere) => fault switch
    {
        "stall" => RegistryFaults.Stall("/"),
        "drip after a 200" => RegistryFaults.Drip(TimeSpan.FromMilliseconds(200), "/"),
        "drip after a 503" => new CountingFault("/", int.MaxValue, async context =>
        {
            context.Response.StatusCode = 503;
            try
            {
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(" "u8.ToArray(), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(200, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
        }),
        "5xx" => RegistryFaults.Status(503, int.MaxValue, pathContains: "/"),
        "429 with a long Retry-After" => RegistryFaults.Status(429, int.MaxValue, retryAfter: "3600", pathContains: "/"),
        "429 with a short Retry-After, once" => RegistryFaults.Status(429, 1, retryAfter: "1", pathContains: "/"),
        "oversized answer" => RegistryFaults.OversizedBody(64L << 20, declareLength: false, pathContains: "/"),
        "garbage answer" => RegistryFaults.Garbage("/", "application/json"),
        "redirect to another host" => RegistryFaults.Redirect(elsewhere, "/"),
        _ => null,
    };

    /// <summary>An HTTPS receiver: the faults first, else 200 <c>ok</c>.</summary>
    private static Task<TestHttpServer> Receiver(X509Certificate2 certificate, IReadOnlyList<IRegistryFault?> faults) =>
        TestHttpServer.StartAsync(async context =>
        {
            using (var reader = new StreamReader(context.Request.Body))
            {
                await reader.ReadToEndAsync(context.RequestAborted);
            }

            foreach (var fault in faults)
            {
                if (fault is not null && await fault.TryHandleAsync(context))
                {
                    return;
                }
            }

            await context.Response.WriteAsync("ok", context.RequestAborted);
        }, certificate);

    private static async Task<JsonNode> ReviewAsync(WebhookServer server)
    {
        using var content = new StringContent(AdmissionRequests.Pod(Admitted).ToJsonString(), Encoding.UTF8, "application/json");
        using var http = await server.Client.PostAsync("/mutate", content, Ct);
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        return JsonNode.Parse(await http.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    /// <summary>Records the connections to the receiver after the first round; after later ones asserts they did not grow.</summary>
    private static async Task<int> CheckSocketsAsync(int port, int round, int baseline)
    {
        await Task.Delay(200, Ct);
        if (round == 0)
        {
            return OpenConnections.To(port);
        }

        await OpenConnections.AssertNoMoreThanAsync(port, baseline, $"after round {round + 1}");
        return baseline;
    }

    private static void AssertNoSecretIn(string message)
    {
        Assert.DoesNotContain("SECRET", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks/", message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    /// <summary>Waits (at most 15 s) until <paramref name="condition"/> holds; the background sender works on its own time.</summary>
    private static async Task Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(condition(), "the condition did not hold within 15 s");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
