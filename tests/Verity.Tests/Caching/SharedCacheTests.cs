using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Verity.Caching;
using Verity.Core.Validation;
using Verity.Hosting;
using Verity.Testing;
using Verity.Tests.Admission;
using Verity.Tests.Hosting;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Caching;

/// <summary>
/// Two replicas sharing a real <c>redis-server</c> (each test starts its own, so it may kill it): verdicts are shared,
/// a changed configuration reads none of the old ones, and an outage never changes a verdict.
/// </summary>
public sealed class SharedCacheTests
{
    private const string Alice = "securesystemsengineering/alice-image:test";
    private const string AlicePinned = "docker.io/securesystemsengineering/alice-image@" + MockValidator.AliceDigest;

    private static readonly string Config = MockConfig.WithFeatures("  cache:\n    expirySeconds: 300\n    cacheErrors: true");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RedisOptions Options(RedisServer redis, string? password = null) => new()
    {
        Host = "127.0.0.1",
        Port = redis.Port,
        Password = password,
        CaFile = redis.CaFile,
    };

    private static AdmissionFixture Replica(RedisOptions redis, string? config = null) =>
        new(config ?? Config, configure: s => s.AddVeritySharedCache(redis));

    private static async Task<JsonNode> Decide(AdmissionFixture fixture, JsonNode review)
    {
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, Ct);
        return JsonNode.Parse(result.Body)!["response"]!;
    }

    /// <summary>What a verdict is made of: allowed, the message, the patch.</summary>
    private static string Verdict(JsonNode response) =>
        $"{response["allowed"]} | {response["status"]?["message"]} | {(response["patch"] is null ? "" : ConnaisseurFixtureTests.PatchOf(response))}";

    [Fact]
    public async Task TwoReplicas_ShareVerdicts_ThroughRedis()
    {
        using var redis = await RedisServer.StartAsync();
        using var a = Replica(Options(redis));
        using var b = Replica(Options(redis));

        var first = await Decide(a, Pod(Alice));
        var second = await Decide(b, Pod(Alice));
        await Decide(a, Pod("busybox"));
        var denied = await Decide(b, Pod("busybox"));

        Assert.Equal(2, a.Factory.Mock!.Calls);
        Assert.Equal(0, b.Factory.Mock!.Calls);
        Assert.Equal(Verdict(first), Verdict(second));
        Assert.Equal("/spec/containers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(second));
        Assert.False(denied["allowed"]!.GetValue<bool>());
        Assert.Contains("unable to find signed digest", denied["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(b.Services.GetRequiredService<SharedCacheHealth>().Degraded);
    }

    [Fact]
    public async Task ChangedConfiguration_NeverReadsTheOldVerdicts()
    {
        using var redis = await RedisServer.StartAsync();
        using var a = Replica(Options(redis));
        using var changed = Replica(Options(redis), Config.Replace("expirySeconds: 300", "expirySeconds: 301", StringComparison.Ordinal));
        using var same = Replica(Options(redis));

        await Decide(a, Pod(Alice));
        await Decide(changed, Pod(Alice));
        await Decide(same, Pod(Alice));

        Assert.Equal(1, changed.Factory.Mock!.Calls);
        Assert.Equal(0, same.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task FailuresToGetTheEvidence_AreNeverShared()
    {
        using var redis = await RedisServer.StartAsync();
        using var a = Replica(Options(redis));
        using var b = Replica(Options(redis));

        await Decide(a, Pod("throws"));
        await Decide(b, Pod("throws"));

        Assert.Equal(1, a.Factory.Mock!.Calls);
        Assert.Equal(1, b.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task RedisKilledMidRun_EveryVerdictUnchangedAndCorrect_ReadyStaysReady()
    {
        using var redis = await RedisServer.StartAsync();
        using var reference = new AdmissionFixture(Config);
        await using var a = await WebhookServer.StartAsync(Config, redis: Options(redis));
        await using var b = await WebhookServer.StartAsync(Config, redis: Options(redis));

        Assert.Equal("ready\nshared cache 127.0.0.1:" + redis.Port.ToString(CultureInfo.InvariantCulture) + ": ok\n", await a.Client.GetStringAsync("/ready", Ct));

        // Trusted, denied by the validator, denied by a static rule, failing: each several times, across both replicas.
        string[] images = [Alice, "busybox", "my.reg/deny-me:1", "throws", .. Enumerable.Range(0, 8).Select(i => $"my.reg/app-{i}:1")];
        var requests = Enumerable.Range(0, 240).Select(i => (Server: i % 2 == 0 ? a : b, Image: images[i % images.Length])).ToArray();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            expected[image] = Verdict(await Decide(reference, Pod(image)));
        }

        var done = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killer = Task.Run(
            async () =>
            {
                while (Volatile.Read(ref done) < 60)
                {
                    await Task.Delay(5, Ct);
                }

                redis.Kill();
                killed.SetResult();
            },
            Ct);

        var results = new List<(string Image, string Verdict)>();
        foreach (var chunk in requests.Chunk(8))
        {
            var answers = await Task.WhenAll(chunk.Select(async r => (r.Image, Verdict: Verdict(await Post(r.Server, Pod(r.Image))))));
            results.AddRange(answers);
            Interlocked.Add(ref done, chunk.Length);
            if (Volatile.Read(ref done) == 120)
            {
                await killed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            }
        }

        await killer;
        Assert.False(redis.IsRunning);
        Assert.Equal(240, results.Count);
        Assert.All(results, r => Assert.Equal(expected[r.Image], r.Verdict));

        var ready = await a.Client.GetAsync("/ready", Ct);
        Assert.Equal(200, (int)ready.StatusCode);
        Assert.Contains("degraded", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("\nverity_cache_degraded 1\n", await b.Client.GetStringAsync("/metrics", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisDownFromTheStart_ValidatesWithoutIt()
    {
        using var redis = await RedisServer.StartAsync();
        var options = Options(redis) with { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        redis.Kill();
        using var a = Replica(options);

        var response = await Decide(a, Pod(Alice));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal("/spec/containers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(response));
        Assert.True(a.Services.GetRequiredService<SharedCacheHealth>().Degraded);
    }

    [Fact]
    public async Task TlsAndPassword_VerdictsRoundTrip()
    {
        using var pki = TestPki.Create("Redis");
        using var redis = await RedisServer.StartAsync(password: "s3cret", tls: pki);
        using var a = Replica(Options(redis, "s3cret"));
        using var b = Replica(Options(redis, "s3cret"));

        await Decide(a, Pod(Alice));
        var second = await Decide(b, Pod(Alice));

        Assert.Equal(0, b.Factory.Mock!.Calls);
        Assert.Equal("/spec/containers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(second));
        Assert.False(b.Services.GetRequiredService<SharedCacheHealth>().Degraded);
    }

    [Theory]
    [InlineData("wrong password")]
    [InlineData("another CA")]
    [InlineData("plain TCP to a TLS port")]
    public async Task RedisThatCannotBeTrustedOrEntered_IsNotUsed(string problem)
    {
        using var pki = TestPki.Create("Redis");
        using var other = TestPki.Create("Mallory");
        using var redis = await RedisServer.StartAsync(password: "s3cret", tls: pki);
        var dir = Directory.CreateTempSubdirectory("verity-redis-ca-");
        try
        {
            var otherCa = Path.Combine(dir.FullName, "other.crt");
            await File.WriteAllTextAsync(otherCa, other.CaCertificate.ExportCertificatePem(), Ct);
            var options = (Options(redis, "s3cret") with { ConnectTimeout = TimeSpan.FromSeconds(1) }) switch
            {
                var o when problem == "wrong password" => o with { Password = "guess" },
                var o when problem == "another CA" => o with { CaFile = otherCa },
                var o => o with { CaFile = null },
            };
            using var a = Replica(options);

            var response = await Decide(a, Pod(Alice));

            Assert.True(response["allowed"]!.GetValue<bool>());
            Assert.Equal(1, a.Factory.Mock!.Calls);
            Assert.True(a.Services.GetRequiredService<SharedCacheHealth>().Degraded);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The fault matrix's faults as a Redis server can show them: a certificate for another name, an expired one, a port
    /// that accepts and never answers (stall), one that answers bytes that are not RESP (garbage), one that answers every
    /// command with an error (Redis's 5xx). Each: the verdict is made without the cache, in bounded time, the replica
    /// reports itself degraded, and nothing is admitted that would not be.
    /// </summary>
    [Theory]
    [InlineData("certificate for another name")]
    [InlineData("expired certificate")]
    [InlineData("stall")]
    [InlineData("garbage")]
    [InlineData("errors")]
    public async Task RedisFault_VerdictWithoutTheCache_WithinBoundedTime(string fault)
    {
        using var pki = TestPki.Create("Redis");
        using var certificate = fault switch
        {
            "certificate for another name" => pki.CreateServerCertificate("redis.other.example"),
            "expired certificate" => pki.CreateExpiredServerCertificate("127.0.0.1"),
            _ => null,
        };
        using var redis = certificate is null ? null : await RedisServer.StartAsync(password: "s3cret", tls: pki, certificate: certificate);
        await using var fake = certificate is null ? await FakeRedis.StartAsync(fault) : null;
        var options = new RedisOptions
        {
            Host = "127.0.0.1",
            Port = redis?.Port ?? fake!.Port,
            Password = "s3cret",
            CaFile = redis?.CaFile,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        using var a = Replica(options);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var first = await Decide(a, Pod(Alice));
        var denied = await Decide(a, Pod("my.reg/deny-me:1"));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(25), $"two decisions took {started.Elapsed}");
        Assert.True(first["allowed"]!.GetValue<bool>());
        Assert.Equal("/spec/containers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(first));
        Assert.False(denied["allowed"]!.GetValue<bool>());
        Assert.True(a.Services.GetRequiredService<SharedCacheHealth>().Degraded);
    }

    /// <summary>A TCP server on 127.0.0.1 that plays a broken Redis: it never answers, answers garbage, or answers every
    /// command with an error.</summary>
    private sealed class FakeRedis : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private FakeRedis(System.Net.Sockets.TcpListener listener, string fault)
        {
            _listener = listener;
            _accepting = AcceptAsync(fault);
        }

        public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<FakeRedis> StartAsync(string fault)
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new FakeRedis(listener, fault));
        }

        private async Task AcceptAsync(string fault)
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    connections.Add(ServeAsync(client, fault));
                }
            }
            catch (Exception e) when (_stop.IsCancellationRequested
                && e is OperationCanceledException or InvalidOperationException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // Stopping: the listener may already be stopped when the loop comes back to accept ("Not listening").
            }

            await Task.WhenAll(connections);
        }

        private async Task ServeAsync(System.Net.Sockets.TcpClient client, string fault)
        {
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                try
                {
                    while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                    {
                        var answer = fault switch
                        {
                            "garbage" => "\u0001\u00ff not RESP at all \r\n"u8.ToArray(),
                            "errors" => "-ERR verity test: every command fails\r\n"u8.ToArray(),
                            _ => null,
                        };
                        if (answer is not null)
                        {
                            await stream.WriteAsync(answer, _stop.Token);
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"outcome\":\"trusted\",\"digest\":\"sha256:abc\",\"expires\":99999999999999}")]
    [InlineData("{\"outcome\":\"maybe\",\"expires\":99999999999999}")]
    [InlineData("{\"outcome\":\"trusted\",\"digest\":\"sha256:1234567890123456123456789012345612345678901234561234567890123456\",\"expires\":1}")]
    [InlineData("oversized")]
    [InlineData("a hash")]
    public async Task UnreadableEntries_AreMisses(string stored)
    {
        using var redis = await RedisServer.StartAsync();
        using var a = Replica(Options(redis));
        var store = (RedisVerdictStore)a.Services.GetRequiredService<ISharedVerdictStore>();
        var key = new VerdictKey(1, 0, "mock", "busybox", "config");
        var redisKey = store.RedisKey(key);
        await using (var client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}"))
        {
            var db = client.GetDatabase();
            if (stored == "a hash")
            {
                await db.HashSetAsync(redisKey, "outcome", "trusted");
            }
            else
            {
                await db.StringSetAsync(redisKey, stored == "oversized" ? new string('x', RedisVerdictStore.MaxValueBytes + 10) : stored);
            }
        }

        Assert.Null(await store.GetAsync(key, Ct));
        Assert.False(a.Services.GetRequiredService<SharedCacheHealth>().Degraded);
    }

    [Fact]
    public async Task StoredOutcomes_RoundTripExactly()
    {
        using var redis = await RedisServer.StartAsync();
        using var a = Replica(Options(redis));
        var store = a.Services.GetRequiredService<ISharedVerdictStore>();
        var trusted = new ValidationOutcome.Trusted(Core.Images.Digest.Parse(MockValidator.AliceDigest), "signed by \"alice\"");
        var denied = new ValidationOutcome.Denied("no signature by trust root \"bob\" — ünïcode");

        await store.SetAsync(new VerdictKey(1, 0, "v", "i1", "c"), trusted, TimeSpan.FromSeconds(60), Ct);
        await store.SetAsync(new VerdictKey(1, 0, "v", "i2", "c"), denied, TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(trusted, (await store.GetAsync(new VerdictKey(2, 0, "v", "i1", "c"), Ct))?.Outcome);
        Assert.Equal(denied, (await store.GetAsync(new VerdictKey(2, 0, "v", "i2", "c"), Ct))?.Outcome);
        Assert.Null(await store.GetAsync(new VerdictKey(1, 1, "v", "i1", "c"), Ct));
        Assert.Null(await store.GetAsync(new VerdictKey(1, 0, "w", "i1", "c"), Ct));
        Assert.Null(await store.GetAsync(new VerdictKey(1, 0, "v", "i1", "d"), Ct));
    }

    private static async Task<JsonNode> Post(WebhookServer server, JsonNode review)
    {
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync("/mutate", content, Ct);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
    }
}
