using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Verity.Testing;

namespace Verity.IntegrationTests.Caching;

/// <summary>
/// Two <c>verity serve</c> processes given one real <c>redis-server</c> as Connaisseur's chart gives it
/// (<c>REDIS_HOST</c>, <c>REDIS_PASSWORD</c>): a verdict one replica reached is the other's, and a Redis that goes away
/// changes no verdict.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class SharedCacheExecutableTests : IDisposable
{
    private const string Password = "replica-secret";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-exe-redis-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Image => Testbed.Current["TESTBED_IMAGE"];

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task TwoProcesses_OneVerifiesTheOtherReadsTheVerdictFromRedis_AndRedisGoingAwayChangesNoVerdict()
    {
        using var redis = await RedisServer.StartAsync(password: Password);
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, TestbedConfigs.NotaryV1(), Ct);
        var environment = new Dictionary<string, string>
        {
            ["REDIS_HOST"] = $"127.0.0.1:{redis.Port}",
            ["REDIS_PASSWORD"] = Password,
        };
        await using var a = VerityProcess.Start(environment, "serve", "--config", config, "--urls", "https://127.0.0.1:0");
        await using var b = VerityProcess.Start(environment, "serve", "--config", config, "--urls", "https://127.0.0.1:0");
        using var clientA = VerityProcess.PinningClient(await a.WaitForListeningAsync(TimeSpan.FromSeconds(60)));
        using var clientB = VerityProcess.PinningClient(await b.WaitForListeningAsync(TimeSpan.FromSeconds(60)));

        var first = await Review(clientA, $"{Image}:signed");
        var before = await Metrics(clientB);
        var second = await Review(clientB, $"{Image}:signed");
        var after = await Metrics(clientB);

        Assert.Equal(Verdict(first), Verdict(second));
        Assert.Equal($"{Image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}", Pin(second));
        Assert.Equal(1, Value(after, "verity_cache_lookups_total", "result=\"hit\"") - Value(before, "verity_cache_lookups_total", "result=\"hit\""));
        Assert.Equal(Value(before, "verity_validation_duration_seconds_count", "type=\"notaryv1\""), Value(after, "verity_validation_duration_seconds_count", "type=\"notaryv1\""));
        Assert.Contains("ready", await Ready(clientB), StringComparison.Ordinal);

        // Redis goes away: B decides on its own, with the same verdicts, and stays ready, saying it is degraded.
        redis.Kill();
        var unsigned = await Review(clientB, $"{Image}:unsigned");
        var third = await Review(clientB, $"{Image}:signed");

        Assert.False(unsigned["allowed"]!.GetValue<bool>());
        Assert.Contains("no signed digest for tag \"unsigned\"", unsigned["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Verdict(first), Verdict(third));
        var ready = await Ready(clientB);
        Assert.StartsWith("ready", ready, StringComparison.Ordinal);
        Assert.Equal(1, Value(await Metrics(clientB), "verity_cache_degraded", null));
        Assert.Equal(0, await a.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await b.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(Password, a.Output + a.Error + b.Output + b.Error, StringComparison.Ordinal);
    }

    private static async Task<JsonNode> Review(HttpClient client, string image)
    {
        var review = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"b7c1a0e4-0000-4000-8000-000000000002",
             "kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","namespace":"shop","userInfo":{"username":"dev"},
             "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
              "spec":{"containers":[{"name":"web","image":"IMAGE"}]}}}}
            """.Replace("IMAGE", image, StringComparison.Ordinal);
        using var response = await client.PostAsync("/mutate", new StringContent(review, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static string Verdict(JsonNode response) => $"{response["allowed"]} | {response["status"]?["message"]} | {response["patch"]}";

    private static string Pin(JsonNode response) =>
        Assert.Single(JsonNode.Parse(Convert.FromBase64String(response["patch"]!.GetValue<string>()))!.AsArray())!["value"]!.GetValue<string>();

    private static Task<string> Metrics(HttpClient client) => client.GetStringAsync("/metrics", Ct);

    private static async Task<string> Ready(HttpClient client)
    {
        using var response = await client.GetAsync("/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The sum of a metric's samples whose labels contain <paramref name="label"/> (all samples when null).</summary>
    private static double Value(string metrics, string name, string? label) => SampleLine().Matches(metrics)
        .Where(m => m.Groups["name"].Value == name && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
        .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
