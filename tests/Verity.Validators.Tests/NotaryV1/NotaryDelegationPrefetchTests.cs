using System.Text;
using Verity.Validators.NotaryV1;

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

    private static NotaryRoleFetcher Recording(List<string> asked) => (role, _, _) =>
    {
        lock (asked)
        {
            asked.Add(role);
        }

        return ValueTask.FromResult<byte[]?>(Encoding.UTF8.GetBytes(role));
    };
}
