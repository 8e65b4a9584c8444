using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>Attacks replayed against collections forged at test time with keys generated at test time.</summary>
public sealed class NotaryTrustVerifierTests : IDisposable
{
    private readonly ForgedCollection _collection = new();
    private readonly InMemoryTrustStateStore _store = new();
    private readonly byte[] _signed = ForgedCollection.Manifest("signed");

    public NotaryTrustVerifierTests()
    {
        _collection.Targets["signed"] = _signed;
    }

    public void Dispose() => _collection.Dispose();

    [Fact]
    public async Task Verify_WellFormedCollection_TrustsTheSignedDigest()
    {
        var outcome = await Verify(_collection.Build());
        var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
        Assert.Equal(ForgedCollection.DigestOf(_signed), trusted.Digest);
        Assert.Equal($"signed in targets of \"{ForgedCollection.Gun}\"", trusted.Detail);
    }

    [Fact]
    public async Task Verify_DigestReference_TrustsOnlySignedDigests()
    {
        var files = _collection.Build();
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(files, tag: null, digest: ForgedCollection.DigestOf(_signed)));
        var other = ForgedCollection.DigestOf(ForgedCollection.Manifest("other"));
        AssertDenied(await Verify(files, tag: null, digest: other), $"no trust data for digest {other} in targets of {ForgedCollection.Gun}");
    }

    [Theory]
    [InlineData("root")]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    public async Task Verify_ExpiredRole_Denies(string role)
    {
        _collection.Expires[role] = ForgedCollection.Now.AddSeconds(-1);
        AssertDenied(await Verify(_collection.Build()), $"{role} of \"{ForgedCollection.Gun}\" expired at 2026-06-01T11:59:59Z");
    }

    [Fact]
    public async Task Verify_ExpiredTimestamp_Denies()
    {
        _collection.Expires["timestamp"] = ForgedCollection.Now;
        AssertDenied(await Verify(_collection.Build()), "timestamp of \"registry.example/acme/app\" expired at 2026-06-01T12:00:00Z");
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    [InlineData("root")]
    public async Task Verify_RolledBackRole_Denies(string role)
    {
        _collection.Versions[role] = 5;
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(_collection.Build()));

        _collection.Versions[role] = 4;
        AssertDenied(await Verify(_collection.Build()),
            $"{role} of \"{ForgedCollection.Gun}\" has version 4, older than version 5 seen before (rollback)");
    }

    [Fact]
    public async Task Verify_RolledBackTimestamp_Denies()
    {
        _collection.Versions["timestamp"] = 2;
        var current = _collection.Build();
        _collection.Versions["timestamp"] = 1;
        var old = _collection.Build();

        Assert.IsType<ValidationOutcome.Trusted>(await Verify(current));
        AssertDenied(await Verify(old), "timestamp of \"registry.example/acme/app\" has version 1, older than version 2 seen before (rollback)");
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(current));
    }

    [Fact]
    public async Task Verify_RolledBackDelegation_Denies()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases);
        releases.Targets["signed"] = _signed;
        _collection.Versions[TufRoles.Releases] = 3;
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(_collection.Build()));

        _collection.Versions[TufRoles.Releases] = 2;
        AssertDenied(await Verify(_collection.Build()), "targets/releases of \"registry.example/acme/app\" has version 2, older than version 3 seen before");
    }

    [Fact]
    public async Task Verify_SameVersionAgain_Trusts()
    {
        var files = _collection.Build();
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(files));
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(files));
    }

    [Fact]
    public async Task Verify_ThresholdNotMet_Denies()
    {
        var second = TestKey.Create();
        _collection.RoleKeys["targets"].Add(second);
        _collection.Thresholds["targets"] = 2;
        _collection.Signers["targets"] = [_collection.RoleKeys["targets"][0]];
        AssertDenied(await Verify(_collection.Build()), "targets has 1 of 2 required valid signatures");

        _collection.Signers.Remove("targets");
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(_collection.Build()));
    }

    [Fact]
    public async Task Verify_OneKeySigningTwice_DoesNotMeetThresholdOfTwo()
    {
        var first = _collection.RoleKeys["snapshot"][0];
        _collection.RoleKeys["snapshot"].Add(TestKey.Create());
        _collection.Thresholds["snapshot"] = 2;
        _collection.Signers["snapshot"] = [first, first];
        AssertDenied(await Verify(_collection.Build()), "snapshot has 1 of 2 required valid signatures");
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    public async Task Verify_RoleSignedByWrongKey_Denies(string role)
    {
        using var attacker = TestKey.Create();
        _collection.Signers[role] = [attacker];
        AssertDenied(await Verify(_collection.Build()), $"{role} has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_TimestampSignedWithSnapshotKey_Denies()
    {
        _collection.Signers["timestamp"] = _collection.RoleKeys["snapshot"];
        AssertDenied(await Verify(_collection.Build()), "timestamp has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_RootNotSignedByPinnedKey_Denies()
    {
        using var other = TestKey.Create();
        AssertDenied(await Verify(_collection.Build(), pinned: [other.AsTrustRoot("ops")]), "root is not signed by trust root \"ops\"");
    }

    [Fact]
    public async Task Verify_AllPinnedKeysMustSign()
    {
        using var other = TestKey.Create();
        var pinned = new[] { _collection.RootKey.AsTrustRoot("default"), other.AsTrustRoot("second") };
        AssertDenied(await Verify(_collection.Build(), pinned: pinned), "root is not signed by trust root \"second\"");
    }

    [Fact]
    public async Task Verify_RootSignedByPinnedKeyButBelowItsOwnThreshold_Denies()
    {
        _collection.RoleKeys["root"].Add(TestKey.CreateX509(ForgedCollection.Gun));
        _collection.Thresholds["root"] = 2;
        _collection.Signers["root"] = [_collection.RootKey];
        AssertDenied(await Verify(_collection.Build()), "root has 1 of 2 required valid signatures");
    }

    [Fact]
    public async Task Verify_TamperedTargets_Denies()
    {
        // The attacker holds the targets key but not the snapshot key: a validly signed targets.json that
        // lists another digest no longer matches the hash the snapshot lists.
        var genuine = _collection.Build();
        _collection.Targets["signed"] = ForgedCollection.Manifest("malicious");
        var forged = _collection.Build();
        genuine["targets"] = forged["targets"];
        AssertDenied(await Verify(genuine), "targets does not match the sha");
    }

    [Fact]
    public async Task Verify_MixAndMatchSnapshot_Denies()
    {
        var genuine = _collection.Build();
        _collection.Versions["snapshot"] = 2;
        var newer = _collection.Build();
        genuine["snapshot"] = newer["snapshot"];
        AssertDenied(await Verify(genuine), "snapshot does not match the sha");
    }

    [Fact]
    public async Task Verify_TamperedRootAfterSnapshot_Denies()
    {
        // Same keys, same signatures validity, but not the root the snapshot vouches for.
        var genuine = _collection.Build();
        _collection.Versions["root"] = 2;
        genuine["root"] = _collection.Build()["root"];
        AssertDenied(await Verify(genuine), "root does not match the sha");
    }

    [Fact]
    public async Task Verify_LengthMismatch_Denies()
    {
        _collection.ListedLengths["targets"] = 100_000;
        var files = _collection.Build();
        AssertDenied(await Verify(files), $"targets is {files["targets"].Length} bytes long, but snapshot lists 100000");

        // Notary and Connaisseur ignore lengths; the hashes still pin the content.
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(files, options: new TufVerificationOptions { CompareListedLengths = false }));
    }

    [Fact]
    public async Task Verify_DelegationSigningOutsideItsPaths_Denies()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases, paths: ["v"]);
        releases.Targets["latest"] = ForgedCollection.Manifest("malicious");
        releases.Targets["v1"] = _signed;
        var files = _collection.Build();

        AssertDenied(await Verify(files, tag: "latest"), $"targets/releases of {ForgedCollection.Gun} signs tag \"latest\" but is not delegated to sign it (outside its paths)");
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(files, tag: "v1"));
        AssertDenied(await Verify(files, tag: null, digest: ForgedCollection.DigestOf(ForgedCollection.Manifest("malicious"))), "no trust data for digest");
    }

    [Fact]
    public async Task Verify_NestedDelegationWiderThanItsParent_CannotSignOutsideTheParentsPaths()
    {
        var team = _collection.AddDelegation("targets/team", paths: ["release-"]);
        var child = _collection.AddDelegation("targets/team/ci", paths: [""]);
        child.Targets["release-1"] = _signed;
        child.Targets["latest"] = ForgedCollection.Manifest("malicious");
        _ = team;
        var files = _collection.Build();
        var requested = new List<string>();

        var outcome = await Verify(files, tag: "release-1", delegations: ["targets/team/ci"], requested: requested);
        Assert.Equal(ForgedCollection.DigestOf(_signed), Assert.IsType<ValidationOutcome.Trusted>(outcome).Digest);
        Assert.Contains("targets/team", requested);
        AssertDenied(await Verify(files, tag: "latest", delegations: ["targets/team/ci"]), $"targets/team/ci of {ForgedCollection.Gun} signs tag \"latest\" but is not delegated to sign it");
    }

    [Fact]
    public async Task Verify_NestedDelegationNotDelegatedByParent_IsNeverFetched()
    {
        _collection.AddDelegation("targets/team");
        var files = _collection.Build();
        var requested = new List<string>();
        AssertDenied(await Verify(files, delegations: ["targets/team/ci"], requested: requested), "targets/team does not delegate to targets/team/ci");
        Assert.DoesNotContain("targets/team/ci", requested);
    }

    [Fact]
    public async Task Verify_DelegationsTooDeep_Denies()
    {
        foreach (var name in new[] { "targets/a", "targets/a/b", "targets/a/b/c" })
        {
            _collection.AddDelegation(name);
        }

        _collection.Delegations[^1].Targets["signed"] = _signed;
        var files = _collection.Build();
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(files, delegations: ["targets/a/b/c"]));
        AssertDenied(
            await Verify(files, delegations: ["targets/a/b/c"], options: new TufVerificationOptions { MaxDelegationDepth = 2 }),
            "targets/a/b/c is nested more than 2 levels deep");
    }

    [Theory]
    [InlineData("targets/Releases")]
    [InlineData("targets/../root")]
    [InlineData("targets/")]
    public async Task Verify_InvalidDelegationName_Denies(string name)
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        var requested = new List<string>();
        AssertDenied(await Verify(_collection.Build(), delegations: [name], requested: requested), $"\"{name}\" is not a valid delegation name");
        Assert.DoesNotContain(name, requested);
    }

    [Fact]
    public async Task Verify_DefaultSearch_FetchesOnlyReleases()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        _collection.AddDelegation("targets/alice").Targets["signed"] = _signed;
        var requested = new List<string>();
        Assert.IsType<ValidationOutcome.Trusted>(await Verify(_collection.Build(), requested: requested));
        Assert.Equal(["root", "snapshot", "targets", "targets/releases", "timestamp"], requested.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Verify_DefaultSearchWithoutReleases_Denies()
    {
        _collection.AddDelegation("targets/alice").Targets["signed"] = _signed;
        AssertDenied(await Verify(_collection.Build()), "has delegations (targets/alice) but no targets/releases");
    }

    [Fact]
    public async Task Verify_DelegationsDisagree_Denies()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        _collection.AddDelegation("targets/alice").Targets["signed"] = ForgedCollection.Manifest("other");
        var outcome = await Verify(_collection.Build(), delegations: ["targets/releases", "targets/alice"]);
        AssertDenied(outcome,
            $"delegations targets/releases and targets/alice disagree: {ForgedCollection.DigestOf(_signed)} vs {ForgedCollection.DigestOf(ForgedCollection.Manifest("other"))}");
    }

    [Fact]
    public async Task Verify_DelegationThresholdNotMet_Denies()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases, keys: 2);
        releases.Threshold = 2;
        releases.Signers = [releases.Keys[1]];
        releases.Targets["signed"] = _signed;
        AssertDenied(await Verify(_collection.Build()), "targets/releases has 1 of 2 required valid signatures");
    }

    [Fact]
    public async Task Verify_DelegationSignedByTargetsKey_Denies()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases);
        releases.Signers = _collection.RoleKeys["targets"];
        releases.Targets["signed"] = _signed;
        AssertDenied(await Verify(_collection.Build()), "targets/releases has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_ReleasesDeclaredButNeverPublished_FallsBackToTargets()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = ForgedCollection.Manifest("never published");
        _collection.UnlistedInSnapshot.Add(TufRoles.Releases);
        var files = _collection.Build();
        files.Remove(TufRoles.Releases);

        var outcome = await Verify(files);

        Assert.Equal(ForgedCollection.DigestOf(_signed), Assert.IsType<ValidationOutcome.Trusted>(outcome).Digest);
    }

    [Fact]
    public async Task Verify_ReleasesListedInSnapshotButWithheld_Denies()
    {
        // A server that withholds a published delegation must not make the top-level targets role count instead.
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = ForgedCollection.Manifest("published");
        var files = _collection.Build();
        files.Remove(TufRoles.Releases);
        AssertDenied(await Verify(files), "the snapshot of \"registry.example/acme/app\" lists targets/releases, but the server has no trust data for it");
    }

    [Fact]
    public async Task Verify_UnsignedRepository_Denies()
    {
        var files = new Dictionary<string, byte[]>();
        AssertDenied(await Verify(files), "no trust data for GUN \"registry.example/acme/app\": there is no root.json");
    }

    [Fact]
    public async Task Verify_FetcherFails_Throws()
    {
        var verifier = new NotaryTrustVerifier(_store, new FakeTimeProvider(ForgedCollection.Now));
        NotaryRoleFetcher failing = (_, _, _) => throw new HttpRequestException("notary is down");
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            verifier.VerifyAsync(Request("signed", null, [], [_collection.RootKey.AsTrustRoot("default")]), failing, TestContext.Current.CancellationToken).AsTask());
    }

    private static NotaryTrustRequest Request(string? tag, Digest? digest, string[] delegations, PublicKeyTrustRoot[]? pinned = null) => new()
    {
        Gun = ForgedCollection.Gun,
        TrustRoots = [.. pinned ?? []],
        Tag = tag,
        Digest = digest,
        Delegations = [.. delegations],
    };

    private async Task<ValidationOutcome> Verify(
        Dictionary<string, byte[]> files,
        string? tag = "signed",
        Digest? digest = null,
        string[]? delegations = null,
        PublicKeyTrustRoot[]? pinned = null,
        TufVerificationOptions? options = null,
        List<string>? requested = null)
    {
        var verifier = new NotaryTrustVerifier(_store, new FakeTimeProvider(ForgedCollection.Now), options);
        return await verifier.VerifyAsync(
            Request(tag, digest, delegations ?? [], pinned ?? [_collection.RootKey.AsTrustRoot("default")]),
            ForgedCollection.Serve(files, requested),
            TestContext.Current.CancellationToken);
    }

    private static void AssertDenied(ValidationOutcome outcome, string reason)
    {
        var denied = Assert.IsType<ValidationOutcome.Denied>(outcome);
        Assert.Contains(reason, denied.Reason, StringComparison.Ordinal);
    }
}
