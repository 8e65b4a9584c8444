using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Verity.Tests.Admission;
using Verity.Tests.Hosting;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Metrics;

/// <summary><c>GET /metrics</c>, scraped and parsed after a known sequence of requests: the counts match exactly.</summary>
public sealed partial class MetricsTests
{
    private const string Alice = "securesystemsengineering/alice-image:test";

    private static readonly string Config = MockConfig.WithFeatures("  cache:\n    expirySeconds: 30");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task Post(WebhookServer server, System.Text.Json.Nodes.JsonNode review)
    {
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync("/mutate", content, Ct);
    }

    private static async Task<Dictionary<string, double>> Scrape(WebhookServer server)
    {
        var text = await server.Client.GetStringAsync("/metrics", Ct);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in SampleRegex().Matches(text))
        {
            samples[m.Groups["name"].Value + m.Groups["labels"].Value] = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [Fact]
    public async Task Metrics_AfterAKnownSequence_CountExactly()
    {
        await using var server = await WebhookServer.StartAsync(Config);

        await Post(server, Pod(Alice));                 // trusted (validator call)
        await Post(server, Pod(Alice));                 // trusted (cache hit)
        await Post(server, Pod("busybox", "my.reg/deny-me:1")); // two denials
        using (var get = await server.Client.GetAsync("/mutate", Ct))
        {
            Assert.Equal(405, (int)get.StatusCode);
        }

        var m = await Scrape(server);

        Assert.Equal(4, m["connaisseur_requests_total"]);
        Assert.Equal(2, m["connaisseur_requests_admitted_total"]);
        Assert.Equal(1, m["connaisseur_requests_denied_total{timeout=\"false\"}"]);
        Assert.Equal(2, m["connaisseur_validations_total{type=\"mock\",validator_name=\"mock\",result=\"success\"}"]);
        Assert.Equal(1, m["connaisseur_validations_total{type=\"mock\",validator_name=\"mock\",result=\"error\"}"]);
        Assert.Equal(1, m["connaisseur_validations_total{type=\"static\",validator_name=\"deny\",result=\"error\"}"]);
        Assert.Equal(2, m["connaisseur_validations_successful_total{type=\"mock\",validator_name=\"mock\"}"]);
        Assert.Equal(1, m["connaisseur_validations_failed_total{type=\"static\",validator_name=\"deny\"}"]);
        Assert.Equal(1, m["connaisseur_validations_skipped_total{type=\"mock\",validator_name=\"mock\",reason=\"cache hit\"}"]);
        Assert.Equal(1, m["verity_cache_lookups_total{result=\"hit\"}"]);
        Assert.Equal(2, m["verity_cache_lookups_total{result=\"miss\"}"]);
        Assert.Equal(3, m["verity_request_duration_seconds_count"]);
        Assert.Equal(2, m["verity_validation_duration_seconds_count{type=\"mock\",validator_name=\"mock\"}"]);
        Assert.Equal(0, m["verity_alert_queue_depth"]);
        Assert.Equal(0, m["verity_cache_degraded"]);
        Assert.Equal(0, m["verity_alerts_dropped_total"]);

        // A labelled series appears once it is first counted, not before: nothing timed out, no static image was admitted.
        Assert.DoesNotContain(m.Keys, k => k.StartsWith("connaisseur_validations_timeouted_total{", StringComparison.Ordinal));
        Assert.DoesNotContain(m.Keys, k => k.StartsWith("connaisseur_requests_denied_total{timeout=\"true\"}", StringComparison.Ordinal));
        Assert.False(m.ContainsKey("connaisseur_validations_successful_total{type=\"static\",validator_name=\"deny\"}"));
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})? (?<value>[-+0-9.eE]+|NaN)$", RegexOptions.Multiline)]
    private static partial Regex SampleRegex();
}
