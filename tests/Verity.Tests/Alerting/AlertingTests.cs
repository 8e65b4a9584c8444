using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Verity.Admission;
using Verity.Alerting;
using Verity.Core.Alerting;
using Verity.Core.Configuration;
using Verity.Tests.Admission;
using Verity.Testing;

namespace Verity.Tests.Alerting;

/// <summary>Alerts of admission decisions, delivered to real HTTP receivers on 127.0.0.1.</summary>
public sealed class AlertingTests
{
    private const string PodName = "verity-test-pod";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AlertingOptions Options => new()
    {
        PodName = PodName,
        MaxAttempts = 3,
        AttemptTimeout = TimeSpan.FromSeconds(2),
        RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    private static string Config(string alerting) => AdmissionFixture.MutateTestConfig + "\nalerting:\n" + alerting;

    private static string Receiver(string template, Uri url, bool fail = false, int? priority = null, string extra = "") =>
        $"""
              - template: {template}
                receiverUrl: "{url}"
                failIfAlertSendingFails: {(fail ? "true" : "false")}
                customHeaders: ["Authorization: GenieKey SECRETHEADER"]
        {(priority is { } p ? $"        priority: {p}\n" : string.Empty)}{extra}
        """;

    private static (AdmissionFixture Fixture, CollectingLoggerProvider Logs) Start(string config, AlertingOptions? options = null, TimeSpan? timeout = null)
    {
        var logs = new CollectingLoggerProvider();
        var fixture = new AdmissionFixture(config, new AdmissionOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, configure: services =>
        {
            services.Replace(ServiceDescriptor.Singleton(options ?? Options));
            services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(new LoggerFactory([logs])));
            services.Replace(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        });
        fixture.Services.GetRequiredService<AlertQueue>().StartAsync(Ct).GetAwaiter().GetResult();
        return (fixture, logs);
    }

    private static async Task<JsonNode> Review(AdmissionFixture fixture, JsonObject review)
    {
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, Ct);
        return JsonNode.Parse(result.Body)!["response"]!;
    }

    private static IAlertingMetrics Metrics(AdmissionFixture fixture) => fixture.Services.GetRequiredService<IAlertingMetrics>();

    private static void AssertNoSecretsLogged(CollectingLoggerProvider logs)
    {
        Assert.DoesNotContain("SECRET", logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks/", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admit_SendsOpsgeniePayload_AsConnaisseursTemplateRendersIt()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        var (fixture, logs) = Start(Config($"""
              clusterIdentifier: test
              admitRequest:
                receivers:
            {Receiver("opsgenie", receiver.Url(), priority: 4, extra: "        payloadFields: {tags: [deployed_an_image], responders: [{username: a@b.c, type: user}]}\n")}
            """));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Deployment("securesystemsengineering/alice-image:test", "securesystemsengineering/alice-image:test"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        var alert = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("/hooks/SECRETPATH?token=SECRETQUERY", alert.Path);
        Assert.Equal("application/json", alert.Headers["Content-Type"]);
        Assert.Equal("GenieKey SECRETHEADER", alert.Headers["Authorization"]);
        var timestamp = alert.Json["details"]!["alert_created"]!.GetValue<string>();
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$", timestamp);

        // What Connaisseur's own opsgenie template renders for the same decision, field by field and byte for byte.
        var expected = AlertTemplate.Parse("opsgenie", AlertTemplateSource.ShippedText("opsgenie")).Render(
            new AlertValues
            {
                AlertMessage = "CONNAISSEUR admitted a request",
                Images = "securesystemsengineering/alice-image:test, securesystemsengineering/alice-image:test",
                ConnaisseurPodId = PodName,
                Cluster = "test",
                Namespace = "ns",
                RequestId = "705ab4f5-6393-11e8-b7cc-42010a800002",
                Timestamp = timestamp,
                Priority = 4,
                Result = "success",
            },
            (JsonObject)JsonNode.Parse("""{"tags":["deployed_an_image"],"responders":[{"username":"a@b.c","type":"user"}]}""")!);
        Assert.Equal(Encoding.UTF8.GetString(expected!), alert.Body);
        Assert.Equal("P4", alert.Json["priority"]!.GetValue<string>());
        Assert.Equal("CONNAISSEUR admitted a request while deploying the images securesystemsengineering/alice-image:test, securesystemsengineering/alice-image:test.", alert.Json["alias"]!.GetValue<string>());
        // The sender counts a delivery once the receiver's answer is in, a moment after the receiver recorded it.
        await Eventually(() => Metrics(fixture).Sent >= 1);
        Assert.Equal(1, Metrics(fixture).Sent);
        AssertNoSecretsLogged(logs);
    }

    /// <summary>Waits (at most 15 s) until <paramref name="condition"/> holds; the background sender works on its own time.</summary>
    private static async Task Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the condition did not hold within 15 s");
    }

    [Fact]
    public async Task Deny_GoesToRejectReceivers_NamingTheImageAndReason()
    {
        await using var admit = await RecordingReceiver.StartAsync();
        await using var reject = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", admit.Url())}
              rejectRequest:
                receivers:
            {Receiver("keybase", reject.Url())}
            {Receiver("ecs-1-12-0", reject.Url("ecs"), priority: 1)}
            """));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("busybox"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        var alerts = await reject.WaitForAsync(2);
        var keybase = alerts.Single(a => a.Path.StartsWith("/hooks", StringComparison.Ordinal)).Json["msg"]!.GetValue<string>();
        Assert.StartsWith("@here\n\n\n*CONNAISSEUR rejected a request: image \"busybox\" denied", keybase, StringComparison.Ordinal);
        Assert.Contains("_*Cluster*_:                             not specified\n", keybase, StringComparison.Ordinal);
        Assert.Contains("_*Images*_:                             busybox\n", keybase, StringComparison.Ordinal);
        var ecs = alerts.Single(a => a.Path == "/ecs").Json;
        Assert.Equal("busybox", ecs["container"]!["image"]!["name"]!.GetValue<string>());
        Assert.Equal("1", ecs["event"]!["severity"]!.GetValue<string>());
        Assert.Equal("denied", ecs["event"]!["type"]!.GetValue<string>());
        Assert.Equal(PodName, ecs["agent"]!["id"]!.GetValue<string>());
        await Task.Delay(200, Ct);
        Assert.Equal(0, admit.Calls);
    }

    [Fact]
    public async Task DetectionMode_DenialStillFiresRejectAlert()
    {
        await using var reject = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              rejectRequest:
                receivers:
            {Receiver("msteams", reject.Url())}
            """).Replace("policy:", "features:\n  detectionMode: true\npolicy:", StringComparison.Ordinal));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("busybox"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        var alert = Assert.Single(await reject.WaitForAsync(1));
        Assert.Equal("MessageCard", alert.Json["@type"]!.GetValue<string>());
        Assert.StartsWith("CONNAISSEUR rejected a request", alert.Json["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingReceiver_WithFailIfAlertSendingFails_DeniesNamingReceiverNotUrl()
    {
        await using var receiver = await RecordingReceiver.StartAsync(answer: _ => 500);
        var (fixture, logs) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url(), fail: true)}
            """));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        var message = response["status"]!["message"]!.GetValue<string>();
        Assert.Equal("error sending notifications: failed sending a notification for receiver slack-0 with failIfAlertSendingFails set: the receiver answered HTTP 500", message);
        Assert.Equal(3, receiver.Calls); // retried
        Assert.Equal(1, Metrics(fixture).Failed);
        Assert.Equal(2, Metrics(fixture).Retried);
        AssertNoSecretsLogged(logs);
        Assert.DoesNotContain("receiver says no", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingReceiver_WithoutFailIfAlertSendingFails_AdmitsAndCountsTheFailure()
    {
        await using var receiver = await RecordingReceiver.StartAsync(answer: _ => 503);
        var (fixture, logs) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url())}
            """));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Metrics(fixture).Failed == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(1, Metrics(fixture).Failed);
        Assert.Equal(3, receiver.Calls);
        Assert.Contains("alert for receiver slack-0 not delivered: the receiver answered HTTP 503 (3 attempts)", logs.Text, StringComparison.Ordinal);
        AssertNoSecretsLogged(logs);
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedAfterAJitteredBackoff_NotTheSameDelayEveryTime()
    {
        await using var receiver = await RecordingReceiver.StartAsync(answer: _ => 503);
        var (fixture, logs) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url(), fail: true)}
            """), Options with { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(200) });
        using var _ = fixture;

        for (int i = 0; i < 6; i++)
        {
            Assert.False((await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test")))["allowed"]!.GetValue<bool>());
        }

        // Equal jitter (RetryDelay.Backoff): half of the 200 ms fixed, half random. A fixed back-off waits 200 ms every time,
        // and the replicas of a webhook then retry in lockstep.
        var delays = System.Text.RegularExpressions.Regex.Matches(logs.Text, @"alert for receiver slack-0: attempt 2 in ([0-9.]+) ms")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(6, delays.Count);
        Assert.All(delays, delay => Assert.InRange(delay, 100, 200));
        Assert.True(delays.Distinct().Count() > 1, $"the same delay every time: {string.Join(", ", delays)}");
    }

    [Fact]
    public async Task ReceiverAskingToRetryAfterMoreThanTheBound_FailsAtOnceInsteadOfHoldingTheQueue()
    {
        await using var receiver = await RecordingReceiver.StartAsync(answer: _ => 429, retryAfter: "3600");
        var (fixture, logs) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url())}
            """));
        using var _ = fixture;

        Assert.True((await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test")))["allowed"]!.GetValue<bool>());

        await Eventually(() => Metrics(fixture).Failed == 1);
        Assert.Equal(1, receiver.Calls);
        Assert.Equal(0, Metrics(fixture).Retried);
        Assert.Contains("not delivered: the receiver answered HTTP 429 and asks to retry after 3600 s (more than 10 s) (1 attempts)", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiverAnswering4xx_IsNotRetried()
    {
        await using var receiver = await RecordingReceiver.StartAsync(answer: _ => 400);
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url(), fail: true)}
            """));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(1, receiver.Calls);
    }

    [Fact]
    public async Task ReceiverFailingOnce_IsRetriedAndAdmits()
    {
        await using var receiver = await RecordingReceiver.StartAsync(answer: call => call == 1 ? 502 : 200);
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url(), fail: true)}
            """));
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Single(receiver.Payloads);
        Assert.Equal(2, receiver.Calls);
    }

    [Fact]
    public async Task HangingReceiver_WithFailIfAlertSendingFails_DeniesWithinTheDeadline()
    {
        await using var receiver = await RecordingReceiver.StartAsync(hang: true);
        var (fixture, _) = Start(
            Config($"""
                  admitRequest:
                    receivers:
                {Receiver("slack", receiver.Url(), fail: true)}
                """),
            Options with { AttemptTimeout = TimeSpan.FromSeconds(30) },
            timeout: TimeSpan.FromSeconds(1.5));
        using var _ = fixture;
        var started = DateTime.UtcNow;

        var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(
            "error sending notifications: timeout during handling of receiver slack-0 (1/1) of admit alerts",
            response["status"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task HangingReceiver_WithoutFailIfAlertSendingFails_DoesNotDelayAdmission()
    {
        await using var receiver = await RecordingReceiver.StartAsync(hang: true);
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url())}
            """), Options with { AttemptTimeout = TimeSpan.FromSeconds(30) });
        using var _ = fixture;
        var started = DateTime.UtcNow;

        for (int i = 0; i < 5; i++)
        {
            var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));
            Assert.True(response["allowed"]!.GetValue<bool>());
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        Assert.True(Metrics(fixture).QueueDepth >= 3); // one in flight, the rest waiting
    }

    [Fact]
    public async Task FullQueue_DropsAndCounts()
    {
        await using var receiver = await RecordingReceiver.StartAsync(hang: true);
        var (fixture, logs) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("slack", receiver.Url())}
            """), Options with { QueueCapacity = 2, AttemptTimeout = TimeSpan.FromSeconds(30) });
        using var _ = fixture;

        // The first is taken by the worker, which then hangs on the receiver; only then are the other five queued.
        await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));
        await Eventually(() => receiver.Calls == 1 && Metrics(fixture).QueueDepth == 0);
        for (int i = 1; i < 6; i++)
        {
            await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));
        }

        // One is taken by the worker (hanging), two wait, the rest are dropped.
        Assert.Equal(2, Metrics(fixture).QueueDepth);
        Assert.Equal(3, Metrics(fixture).Dropped);
        Assert.Contains("admit alert for receiver slack-0 dropped: the alert queue is full", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomHeaders_OverrideTheDefaultContentType()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
                  - template: slack
                    receiverUrl: "{receiver.Url()}"
                    failIfAlertSendingFails: true
                    customHeaders: ["X-Test: test:ing", "CoNTeNt-TYpE: my/weird/format"]
            """));
        using var _ = fixture;

        await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        var alert = Assert.Single(receiver.Payloads);
        Assert.Equal("test:ing", alert.Headers["X-Test"]);
        Assert.Equal("my/weird/format", alert.Headers["Content-Type"]);
    }

    [Fact]
    public async Task DeletionShortCut_IsAnAdmitAlert()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("opsgenie", receiver.Url(), fail: true)}
            """));
        using var _ = fixture;
        var review = AdmissionRequests.Pod("busybox");
        review["request"]!["operation"] = "UPDATE";
        review["request"]!["oldObject"] = new JsonObject { ["metadata"] = new JsonObject { ["deletionTimestamp"] = "2026-01-01T00:00:00Z" } };

        var response = await Review(fixture, review);

        Assert.True(response["allowed"]!.GetValue<bool>());
        var alert = Assert.Single(receiver.Payloads);
        Assert.Equal("CONNAISSEUR admitted a request", alert.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task UndecodableObject_IsAnInvalidRejectAlert()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              rejectRequest:
                receivers:
            {Receiver("opsgenie", receiver.Url(), fail: true)}
            """));
        using var _ = fixture;
        var review = AdmissionRequests.Pod();

        var response = await Review(fixture, review);

        Assert.False(response["allowed"]!.GetValue<bool>());
        var alert = Assert.Single(receiver.Payloads);
        Assert.Equal("CONNAISSEUR failed to parse admission request 705ab4f5-6393-11e8-b7cc-42010a800002", alert.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public void Load_UnknownTemplate_IsRefusedWithItsPath()
    {
        using var dir = new TemporaryTemplates();
        var e = Assert.Throws<ConfigurationException>(() => Start(Config("""
              admitRequest:
                receivers:
                  - template: slack
                    receiverUrl: https://example.com/
                  - template: nosuchtemplate
                    receiverUrl: https://example.com/
            """), Options with { TemplatesDirectory = dir.Path }));

        var error = Assert.Single(e.Errors);
        Assert.Equal("alerting.admitRequest.receivers[1].template", error.Path);
        Assert.Contains("alert template \"nosuchtemplate\": is not a shipped template", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void Load_TemplateNameThatIsAPath_IsRefused(string name)
    {
        using var dir = new TemporaryTemplates();
        var e = Assert.Throws<ConfigurationException>(() => Start(Config($"""
              admitRequest:
                receivers:
                  - template: "{name}"
                    receiverUrl: https://example.com/
            """), Options with { TemplatesDirectory = dir.Path }));

        Assert.Contains("nor a plain file name", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomTemplate_IsReadFromTheTemplatesDirectory()
    {
        using var dir = new TemporaryTemplates();
        dir.Write("mine", """{"who": "{{ cluster }}", "what": "{{ result }}", "p": {{ priority }}}""");
        await using var receiver = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              clusterIdentifier: prod
              admitRequest:
                receivers:
            {Receiver("mine", receiver.Url(), fail: true, priority: 0)}
            """), Options with { TemplatesDirectory = dir.Path });
        using var _ = fixture;

        await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.Equal("""{"p":0,"what":"success","who":"prod"}""", Assert.Single(receiver.Payloads).Body);
    }

    [Fact]
    public async Task EmptyTemplate_SendsNothing()
    {
        using var dir = new TemporaryTemplates();
        dir.Write("empty", string.Empty);
        await using var receiver = await RecordingReceiver.StartAsync();
        var (fixture, _) = Start(Config($"""
              admitRequest:
                receivers:
            {Receiver("empty", receiver.Url(), fail: true)}
            """), Options with { TemplatesDirectory = dir.Path });
        using var _ = fixture;

        var response = await Review(fixture, AdmissionRequests.Pod("securesystemsengineering/alice-image:test"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal(0, receiver.Calls);
    }

    /// <summary>A templates directory for one test.</summary>
    internal sealed class TemporaryTemplates : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-alerts-");

        public string Path => _dir.FullName;

        public void Write(string name, string text) => File.WriteAllText(System.IO.Path.Combine(Path, name + ".json"), text);

        public void Dispose() => _dir.Delete(recursive: true);
    }
}
