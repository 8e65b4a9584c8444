using Microsoft.Extensions.DependencyInjection;
using Verity.Caching;
using Verity.Core.Validation;
using Verity.Hosting;
using Verity.Testing;
using Verity.Tests.Admission;

namespace Verity.Tests.Caching;

/// <summary>Rollback floors in a real <c>redis-server</c>: only ever raised, shared by replicas, empty when Redis is gone.</summary>
public sealed class RedisRollbackFloorStoreTests
{
    private const string Config = """
        validators:
          - name: mock
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: mock
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AdmissionFixture Replica(RedisServer redis) =>
        new(Config, configure: s => s.AddVeritySharedCache(new RedisOptions { Host = "127.0.0.1", Port = redis.Port, ConnectTimeout = TimeSpan.FromMilliseconds(500) }));

    private static IRollbackFloorStore Floors(AdmissionFixture replica) => replica.Services.GetRequiredService<IRollbackFloorStore>();

    [Fact]
    public async Task Floors_AreOnlyEverRaised()
    {
        using var redis = await RedisServer.StartAsync();
        using var replica = Replica(redis);
        var floors = Floors(replica);

        await floors.RaiseAsync("notaryv1:abc", new Dictionary<string, long> { ["timestamp"] = 5, ["snapshot"] = 3 }, Ct);
        await floors.RaiseAsync("notaryv1:abc", new Dictionary<string, long> { ["timestamp"] = 4, ["snapshot"] = 6, ["targets"] = 2 }, Ct);

        var kept = await floors.GetAsync("notaryv1:abc", Ct);
        Assert.Equal(5, kept["timestamp"]);
        Assert.Equal(6, kept["snapshot"]);
        Assert.Equal(2, kept["targets"]);
        Assert.Equal(3, kept.Count);
        Assert.Empty(await floors.GetAsync("notaryv1:other", Ct));
    }

    [Fact]
    public async Task TwoReplicasRaisingAtOnce_KeepTheHighest()
    {
        using var redis = await RedisServer.StartAsync();
        using var a = Replica(redis);
        using var b = Replica(redis);

        await Task.WhenAll(Enumerable.Range(1, 200).Select(i =>
            Floors(i % 2 == 0 ? a : b).RaiseAsync("k", new Dictionary<string, long> { ["timestamp"] = (i * 7919) % 1000 + 1 }, Ct).AsTask()));

        var expected = Enumerable.Range(1, 200).Max(i => (i * 7919) % 1000 + 1);
        Assert.Equal(expected, (await Floors(a).GetAsync("k", Ct))["timestamp"]);
        Assert.Equal(expected, (await Floors(b).GetAsync("k", Ct))["timestamp"]);
    }

    [Fact]
    public async Task RedisGone_GivesNoFloors_AndNeverThrows()
    {
        using var redis = await RedisServer.StartAsync();
        using var replica = Replica(redis);
        var floors = Floors(replica);
        await floors.RaiseAsync("k", new Dictionary<string, long> { ["timestamp"] = 5 }, Ct);

        redis.Kill();

        Assert.Empty(await floors.GetAsync("k", Ct));
        await floors.RaiseAsync("k", new Dictionary<string, long> { ["timestamp"] = 6 }, Ct);
        Assert.True(replica.Services.GetRequiredService<SharedCacheHealth>().Degraded);
    }

    [Fact]
    public async Task GarbageFields_AreSkipped()
    {
        using var redis = await RedisServer.StartAsync();
        using var replica = Replica(redis);
        await using (var client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}"))
        {
            await client.GetDatabase().HashSetAsync("verity:v1:floor:k", [new("timestamp", "many"), new("snapshot", "-3"), new("targets", "4")]);
        }

        var kept = await Floors(replica).GetAsync("k", Ct);

        Assert.Equal(4, Assert.Single(kept).Value);
        await Floors(replica).RaiseAsync("k", new Dictionary<string, long> { ["timestamp"] = 2 }, Ct);
        Assert.Equal(2, (await Floors(replica).GetAsync("k", Ct))["timestamp"]);
    }
}
