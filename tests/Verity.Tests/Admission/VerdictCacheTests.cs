using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Verity.Caching;
using Verity.Core.Validation;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Admission;

public sealed class VerdictCacheTests
{
    private const string Alice = "securesystemsengineering/alice-image:test";
    private const string AlicePinned = "docker.io/securesystemsengineering/alice-image@" + MockValidator.AliceDigest;

    private static string Config(string cache) => $"""
        validators:
          - name: mock
            type: static
            approve: false
          - name: deny
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: mock
          - pattern: "my.reg/deny-me"
            validator: deny
        features:
          cache:
        {cache}
        """;

    private static async Task<JsonNode> Decide(AdmissionFixture fixture, JsonNode review)
    {
        var result = await fixture.Handler.HandleAsync(Encoding.UTF8.GetBytes(review.ToJsonString()), null, TestContext.Current.CancellationToken);
        return JsonNode.Parse(result.Body)!["response"]!;
    }

    [Fact]
    public async Task SecondAdmission_OfATrustedImage_IsServedFromTheCacheAndStillPatched()
    {
        using var fixture = new AdmissionFixture(Config("    expirySeconds: 30"));

        await Decide(fixture, Deployment(Alice));
        var second = await Decide(fixture, Pod(Alice));

        Assert.Equal(1, fixture.Factory.Mock!.Calls);
        Assert.Equal("/spec/containers/0/image=" + AlicePinned, ConnaisseurFixtureTests.PatchOf(second));
    }

    [Fact]
    public async Task ExpirySecondsZero_TurnsTheCacheOff()
    {
        using var fixture = new AdmissionFixture(Config("    expirySeconds: 0"));
        await Decide(fixture, Pod(Alice));
        await Decide(fixture, Pod(Alice));
        Assert.Equal(2, fixture.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task CachedVerdict_ExpiresAfterItsLifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var fixture = new AdmissionFixture(Config("    expirySeconds: 30"), time: time);

        await Decide(fixture, Pod(Alice));
        time.Advance(TimeSpan.FromSeconds(29));
        await Decide(fixture, Pod(Alice));
        Assert.Equal(1, fixture.Factory.Mock!.Calls);

        time.Advance(TimeSpan.FromSeconds(2));
        await Decide(fixture, Pod(Alice));
        Assert.Equal(2, fixture.Factory.Mock!.Calls);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task Denials_AreCachedOnlyWithCacheErrors(bool cacheErrors, int calls)
    {
        using var fixture = new AdmissionFixture(Config($"    expirySeconds: 30\n    cacheErrors: {(cacheErrors ? "true" : "false")}"));

        var first = await Decide(fixture, Pod("busybox"));
        var second = await Decide(fixture, Pod("busybox"));

        Assert.Equal(calls, fixture.Factory.Mock!.Calls);
        Assert.Equal(first["status"]!["message"]!.GetValue<string>(), second["status"]!["message"]!.GetValue<string>());
        Assert.False(second["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task FailuresToGetTheEvidence_AreNeverCached()
    {
        using var fixture = new AdmissionFixture(Config("    expirySeconds: 30\n    cacheErrors: true"));
        await Decide(fixture, Pod("throws"));
        await Decide(fixture, Pod("throws"));
        Assert.Equal(2, fixture.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task ConfigurationReload_DoesNotReuseOldVerdicts()
    {
        using var fixture = new AdmissionFixture(Config("    expirySeconds: 30"));
        await Decide(fixture, Pod(Alice));
        var before = fixture.Factory.Mock!;

        fixture.Snapshots.Use(TestConfig.Loader.Parse(Config("    expirySeconds: 30"), "reloaded.yaml"));
        await Decide(fixture, Pod(Alice));

        Assert.NotSame(before, fixture.Factory.Mock);
        Assert.Equal(1, before.Calls);
        Assert.Equal(1, fixture.Factory.Mock!.Calls);
    }

    [Fact]
    public async Task StaticValidators_AreNeverCached()
    {
        using var fixture = new AdmissionFixture(Config("    expirySeconds: 30"));
        var response = await Decide(fixture, Pod("my.reg/deny-me:1"));
        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(0, fixture.Cache.Count);

        await Decide(fixture, Pod(Alice));
        Assert.Equal(1, fixture.Cache.Count);
    }

    [Fact]
    public void Cache_WhenFull_EvictsTheLeastRecentlyUsedInsteadOfRefusingNewVerdicts()
    {
        var time = new FakeTimeProvider();
        var cache = new VerdictCache(time, capacity: 300);
        var outcome = new ValidationOutcome.Denied("no");
        for (int i = 0; i < 300; i++)
        {
            cache.Set(new VerdictKey(1, 0, "v", "image" + i), outcome, TimeSpan.FromSeconds(60));
        }

        // image0 stays in use; everything else is cold.
        for (int round = 0; round < 3; round++)
        {
            Assert.True(cache.TryGet(new VerdictKey(1, 0, "v", "image0"), out _));
        }

        for (int i = 0; i < 300; i++)
        {
            cache.Set(new VerdictKey(1, 0, "v", "new" + i), outcome, TimeSpan.FromSeconds(60));
            Assert.True(cache.TryGet(new VerdictKey(1, 0, "v", "image0"), out _));
        }

        Assert.True(cache.TryGet(new VerdictKey(1, 0, "v", "new299"), out _));
        Assert.True(cache.TryGet(new VerdictKey(1, 0, "v", "image0"), out _));
        Assert.False(cache.TryGet(new VerdictKey(1, 0, "v", "image1"), out _));
        Assert.InRange(cache.Count, 1, 300);
    }

    [Fact]
    public void Cache_ExpiredEntry_IsNeverServed()
    {
        var time = new FakeTimeProvider();
        var cache = new VerdictCache(time);
        cache.Set(new VerdictKey(1, 0, "v", "image"), new ValidationOutcome.Denied("no"), TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.False(cache.TryGet(new VerdictKey(1, 0, "v", "image"), out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Cache_MemoryPerEntry_IsBounded()
    {
        // Allocated bytes, not time: what the LRU itself adds per verdict (its item, the entry, the dictionary node, queue
        // slots and the dictionary's growth), the key's strings and the outcome being the caller's. Measured at about
        // 380 bytes on .NET 10 x64, so a full cache costs under 4 MB besides the image strings (docs/performance.md).
        const int entries = VerdictCache.Capacity;
        var cache = new VerdictCache(TimeProvider.System);
        var outcome = new ValidationOutcome.Trusted(Core.Images.Digest.Parse(MockValidator.AliceDigest));
        var keys = Enumerable.Range(0, entries).Select(i => new VerdictKey(1, 0, "v", "registry.example/app-" + i + ":1", "hash")).ToArray();
        var lifetime = TimeSpan.FromSeconds(60);
        cache.Set(new VerdictKey(0, 0, "warm", "up", "hash"), outcome, lifetime);

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var key in keys)
        {
            cache.Set(key, outcome, lifetime);
        }

        var perEntry = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)entries;
        TestContext.Current.TestOutputHelper?.WriteLine($"verdict cache: {perEntry:0} bytes allocated per entry");
        Assert.InRange(perEntry, 1, 512);
    }

    [Fact]
    public void Cache_WhenFull_EvictsEntriesNeverReadAgain_AndKeepsWhatIsRead()
    {
        // BitFaster's ConcurrentLru is a segmented LRU (hot, warm, cold): an entry read again is promoted and stays, an
        // entry never read again ages out through the cold segment first, even when it was added later (scan resistance).
        var cache = new VerdictCache(new FakeTimeProvider(), capacity: 9);
        var outcome = new ValidationOutcome.Denied("no");
        var lifetime = TimeSpan.FromSeconds(60);
        VerdictKey Key(string image) => new(1, 0, "v", image);

        foreach (var image in new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i" })
        {
            cache.Set(Key(image), outcome, lifetime);
        }

        // a, b and c are read again; the others are not.
        foreach (var image in new[] { "a", "b", "c" })
        {
            Assert.True(cache.TryGet(Key(image), out _));
        }

        foreach (var image in new[] { "j", "k", "l" })
        {
            cache.Set(Key(image), outcome, lifetime);
        }

        Assert.All(new[] { "a", "b", "c", "l" }, image => Assert.True(cache.TryGet(Key(image), out _), image));
        Assert.Equal(3, new[] { "d", "e", "f", "g", "h", "i", "j", "k" }.Count(image => !cache.TryGet(Key(image), out _)));
        Assert.Equal(9, cache.Count);
    }
}
