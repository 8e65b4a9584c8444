using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Verity.Alerting;
using Verity.Tests.Admission;
using Verity.Tests.Alerting;

namespace Verity.Tests.Hosting;

/// <summary>Alerts from the real HTTPS webhook, with the background queue run by the host.</summary>
public sealed class AlertingWebhookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(JsonObject review) => new(review.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Config(Uri admit, Uri reject, bool failIfAlertSendingFails) => AdmissionFixture.MutateTestConfig + $"""

        alerting:
          clusterIdentifier: e2e
          admitRequest:
            receivers:
              - template: slack
                receiverUrl: "{admit}"
          rejectRequest:
            receivers:
              - template: opsgenie
                receiverUrl: "{reject}"
                failIfAlertSendingFails: {(failIfAlertSendingFails ? "true" : "false")}
        """;

    [Fact]
    public async Task Webhook_AdmitAndDeny_ReachTheirReceivers()
    {
        await using var admit = await RecordingReceiver.StartAsync();
        await using var reject = await RecordingReceiver.StartAsync();
        await using var server = await WebhookServer.StartAsync(Config(admit.Url(), reject.Url(), failIfAlertSendingFails: true));

        using var allowed = await server.Client.PostAsync("/mutate", Json(AdmissionRequests.Pod("securesystemsengineering/alice-image:test")), Ct);
        using var denied = await server.Client.PostAsync("/mutate", Json(AdmissionRequests.Pod("busybox")), Ct);

        Assert.True(JsonNode.Parse(await allowed.Content.ReadAsStringAsync(Ct))!["response"]!["allowed"]!.GetValue<bool>());
        Assert.False(JsonNode.Parse(await denied.Content.ReadAsStringAsync(Ct))!["response"]!["allowed"]!.GetValue<bool>());
        var slack = Assert.Single(await admit.WaitForAsync(1)).Json;
        Assert.Contains("*CONNAISSEUR admitted a request*", slack["blocks"]![1]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("_*Cluster*_:                           e2e\n", slack["blocks"]![1]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var opsgenie = Assert.Single(reject.Payloads).Json;
        Assert.Equal("e2e", opsgenie["details"]!["cluster"]!.GetValue<string>());
        Assert.Equal("ns", opsgenie["details"]!["namespace"]!.GetValue<string>());
        Assert.StartsWith("CONNAISSEUR rejected a request: image \"busybox\" denied", opsgenie["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var metrics = server.Services.GetRequiredService<IAlertingMetrics>();
        for (int i = 0; i < 250 && metrics.Sent < 2; i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(2, metrics.Sent);
        Assert.Equal(0, metrics.QueueDepth);
    }

    [Fact]
    public async Task Webhook_FailingBlockingRejectReceiver_KeepsTheDenialReasonAndNamesTheReceiver()
    {
        await using var admit = await RecordingReceiver.StartAsync();
        await using var reject = await RecordingReceiver.StartAsync(answer: _ => 500);
        await using var server = await WebhookServer.StartAsync(Config(admit.Url(), reject.Url(), failIfAlertSendingFails: true));

        using var denied = await server.Client.PostAsync("/mutate", Json(AdmissionRequests.Pod("busybox")), Ct);

        var message = JsonNode.Parse(await denied.Content.ReadAsStringAsync(Ct))!["response"]!["status"]!["message"]!.GetValue<string>();
        Assert.StartsWith("image \"busybox\" denied", message, StringComparison.Ordinal);
        Assert.EndsWith("; error sending notifications: failed sending a notification for receiver opsgenie-0 with failIfAlertSendingFails set: the receiver answered HTTP 500", message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_UnknownCustomTemplate_StopsTheServerFromStarting()
    {
        var config = AdmissionFixture.MutateTestConfig + """

            alerting:
              admitRequest:
                receivers:
                  - template: 404_not_found
                    receiverUrl: https://some.url
            """;

        var e = await Assert.ThrowsAsync<Verity.Core.Configuration.ConfigurationException>(async () => await WebhookServer.StartAsync(config));

        Assert.Equal("alerting.admitRequest.receivers[0].template", Assert.Single(e.Errors).Path);
    }
}
