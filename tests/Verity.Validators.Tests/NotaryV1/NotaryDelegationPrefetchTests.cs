using System.Text;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>Which delegations a full refresh starts downloading early, and that the early download is what it then gets.</summary>
public sealed class NotaryDelegationPrefetchTests
{
    private static readonly byte[] Targets = Encoding.UTF8.GetBytes(
        """{"signed":{"_type":"Targets","delegations":{"keys":{},"roles":[{"name":"targets/releases"},{"name":"targets/alice"}]},"targets":{}}}""");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Snapshot(params string[] listed) => Encoding.UTF8.GetBytes(
        "{\"signed\":{\"_type\":\"Snapshot\",\"meta\":{" + string.Join(',', listed.Select(r => $"\"{r}\":{{\"length\":1}}")) + "}}}");

    [Fact]
    public async Task Start_DefaultRule_FetchesReleasesOnceAndHandsItOver()
    {
        var asked = new List<string>();
        var prefetch = new NotaryDelegationPrefetch(Recording(asked), []);

        prefetch.Start(Targets, Snapshot("targets", "targets/releases", "targets/alice"), Ct);
        var body = await prefetch.FetchAsync("targets/releases", 905, Ct);

        Assert.Equal("targets/releases", Encoding.UTF8.GetString(body!));
        Assert.Equal(["targets/releases"], asked);
    }

    [Fact]
    public async Task Start_RuleNamingAlice_FetchesOnlyAlice()
    {
        var asked = new List<string>();
        var prefetch = new NotaryDelegationPrefetch(Recording(asked), ["targets/alice"]);

        prefetch.Start(Targets, Snapshot("targets", "targets/releases", "targets/alice"), Ct);
        await prefetch.FetchAsync("targets/alice", null, Ct);

        Assert.Equal(["targets/alice"], asked);
    }

    [Fact]
    public async Task Start_DelegationTheSnapshotDoesNotList_IsNotFetched()
    {
        var asked = new List<string>();
        var prefetch = new NotaryDelegationPrefetch(Recording(asked), []);

        prefetch.Start(Targets, Snapshot("targets"), Ct);
        await Task.Yield();

        Assert.Empty(asked);
    }

    [Fact]
    public void Start_MalformedTargets_FetchesNothing()
    {
        var asked = new List<string>();
        var prefetch = new NotaryDelegationPrefetch(Recording(asked), []);

        prefetch.Start(Encoding.UTF8.GetBytes("{not json"), Snapshot("targets/releases"), Ct);

        Assert.Empty(asked);
    }

    [Fact]
    public async Task Start_WithKeyCache_ReadsOnlyTheKeysOfTheDelegationsFetchedEarly()
    {
        using var releases = TestKey.CreateX509("releases signer");
        using var alice = TestKey.Create();
        var keyCache = new TufKeyCache();
        var prefetch = new NotaryDelegationPrefetch(Recording([]), [], keyCache);

        prefetch.Start(TargetsWithKeys((releases, "targets/releases"), (alice, "targets/alice")), Snapshot("targets", "targets/releases", "targets/alice"), Ct);
        await prefetch.KeysRead;

        Assert.True(keyCache.TryGetKey(releases.VerificationKey.SubjectPublicKeyInfo.ToArray(), out var kept, out _));
        Assert.Same(kept, TufKey.Create(releases.KeyType, releases.PublicBytes, keyCache).Key);
        Assert.Equal(2, keyCache.Count); // the certificate and its key; not alice's key
    }

    [Fact]
    public async Task Start_WithKeyCache_DelegationTheSnapshotDoesNotList_ReadsNoKeys()
    {
        using var releases = TestKey.Create();
        var keyCache = new TufKeyCache();
        var prefetch = new NotaryDelegationPrefetch(Recording([]), [], keyCache);

        prefetch.Start(TargetsWithKeys((releases, "targets/releases")), Snapshot("targets"), Ct);
        await prefetch.KeysRead;

        Assert.Equal(0, keyCache.Count);
    }

    [Fact]
    public async Task Start_WithKeyCache_KeysThatDoNotRead_AreLeftForTheVerifier()
    {
        var keyCache = new TufKeyCache();
        var asked = new List<string>();
        var prefetch = new NotaryDelegationPrefetch(Recording(asked), [], keyCache);
        var targets = Encoding.UTF8.GetBytes(
            """{"signed":{"delegations":{"keys":{"a":{"keytype":"ecdsa","keyval":{"public":"AAAA"}},"b":{"keytype":"ecdsa","keyval":{"public":7}}},"roles":[{"name":"targets/releases","keyids":["a","b","c",5]}]}}}""");

        prefetch.Start(targets, Snapshot("targets/releases"), Ct);
        await prefetch.KeysRead;

        Assert.Equal(["targets/releases"], asked);
        Assert.Equal(0, keyCache.Count);
    }

    private static byte[] TargetsWithKeys(params (TestKey Key, string Role)[] delegations)
    {
        var keys = string.Join(',', delegations.Select(d =>
            $"\"{d.Key.Id}\":{{\"keytype\":\"{d.Key.KeyType}\",\"keyval\":{{\"private\":null,\"public\":\"{Convert.ToBase64String(d.Key.PublicBytes)}\"}}}}"));
        var roles = string.Join(',', delegations.Select(d => $"{{\"name\":\"{d.Role}\",\"keyids\":[\"{d.Key.Id}\"],\"threshold\":1}}"));
        return Encoding.UTF8.GetBytes($"{{\"signed\":{{\"_type\":\"Targets\",\"delegations\":{{\"keys\":{{{keys}}},\"roles\":[{roles}]}},\"targets\":{{}}}}}}");
    }

    private static NotaryRoleFetcher Recording(List<string> asked) => (role, _, _) =>
    {
        lock (asked)
        {
            asked.Add(role);
        }

        return ValueTask.FromResult<byte[]?>(Encoding.UTF8.GetBytes(role));
    };
}
