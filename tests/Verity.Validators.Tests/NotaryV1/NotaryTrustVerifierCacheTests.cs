using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// Verified trust data kept between validations (<see cref="NotaryTrustCache"/>): what is fetched when nothing or
/// something changed, and attacks replayed against a verifier that has kept trust data — it must never admit what a
/// verification from scratch would deny.
/// </summary>
public sealed class NotaryTrustVerifierCacheTests : IDisposable
{
    private readonly ForgedCollection _collection = new();
    private readonly FakeTimeProvider _time = new(ForgedCollection.Now);
    private readonly InMemoryTrustStateStore _store = new();
    private readonly NotaryTrustCache _cache = new();
    private readonly NotaryTrustVerifier _verifier;
    private readonly byte[] _signed = ForgedCollection.Manifest("signed");
    private readonly List<string> _requested = [];

    public NotaryTrustVerifierCacheTests()
    {
        _verifier = new NotaryTrustVerifier(_store, _time, cache: _cache);
        _collection.Targets["signed"] = _signed;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _collection.Dispose();

    [Fact]
    public async Task Verify_NothingChanged_FetchesOnlyTheTimestamp()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Assert.Equal(["root", "snapshot", "targets", "timestamp"], Requested());

        AssertTrusted(await Verify(files), _signed);
        Assert.Equal(["timestamp"], Requested());

        var other = await Verify(files, tag: "other");
        AssertDenied(other, $"no signed digest for tag \"other\" in targets of {ForgedCollection.Gun}");
        Assert.Equal(["timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_KeysReadByAnotherVerifier_SameVerdictsWithoutReadingThemAgain()
    {
        // Two first validations that share only the process's key cache (as validators of one factory across reloads).
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        var files = _collection.Build();
        var keyCache = new TufKeyCache();
        var first = new NotaryTrustVerifier(new InMemoryTrustStateStore(), _time, keyCache: keyCache);
        AssertTrusted(await first.VerifyAsync(Request(), ForgedCollection.Serve(files), Ct), _signed);
        var read = keyCache.Count;
        Assert.True(read > 0);

        var second = new NotaryTrustVerifier(new InMemoryTrustStateStore(), _time, keyCache: keyCache);
        AssertTrusted(await second.VerifyAsync(Request(), ForgedCollection.Serve(files), Ct), _signed);
        Assert.Equal(read, keyCache.Count);

        // The kept keys do not stand in for a signature: targets signed by a key root does not assign to targets.
        _collection.Signers[TufRoles.Targets] = [_collection.RoleKeys[TufRoles.Snapshot][0]];
        var forged = _collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        var third = new NotaryTrustVerifier(new InMemoryTrustStateStore(), _time, keyCache: keyCache);
        AssertDenied(await third.VerifyAsync(Request(), ForgedCollection.Serve(forged), Ct), "targets has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_TargetsResigned_FetchesTheChangedRolesOnlyAndTrustsTheNewDigest()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Requested();

        var patched = ForgedCollection.Manifest("patched");
        _collection.Delegations[0].Targets["signed"] = patched;
        _collection.Versions[TufRoles.Releases] = 2;
        _collection.Versions[TufRoles.Snapshot] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;
        var republished = _collection.Resign(files, TufRoles.Releases, TufRoles.Snapshot, TufRoles.Timestamp);

        AssertTrusted(await Verify(republished), patched);
        Assert.Equal(["snapshot", "targets/releases", "timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_NewTimestampOverTheSameSnapshot_ReusesSnapshotAndTargets()
    {
        // What a Notary server does every time it renews its timestamp.
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Requested();
        _collection.Versions[TufRoles.Timestamp] = 2;

        AssertTrusted(await Verify(_collection.Resign(files, TufRoles.Timestamp)), _signed);
        Assert.Equal(["timestamp"], Requested());
    }

    [Theory]
    [InlineData("root")]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    [InlineData("targets/releases")]
    public async Task Verify_KeptRoleExpired_IsNotUsed(string role)
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        _collection.Expires[role] = ForgedCollection.Now.AddHours(1);
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Requested();

        _time.Advance(TimeSpan.FromHours(2));
        var outcome = await Verify(files);

        AssertDenied(outcome, $"{role} of \"{ForgedCollection.Gun}\" expired at 2026-06-01T13:00:00Z");

        // The kept data failed, so the verdict came from trust data fetched and verified from scratch.
        Assert.Contains("root", Requested());
    }

    [Fact]
    public async Task Verify_KeptSnapshotExpiredButRenewedOnTheServer_TrustsTheRenewedTrustData()
    {
        _collection.Expires[TufRoles.Snapshot] = ForgedCollection.Now.AddHours(1);
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        _time.Advance(TimeSpan.FromHours(2));
        _collection.Expires[TufRoles.Snapshot] = ForgedCollection.Now.AddDays(3);
        _collection.Versions[TufRoles.Snapshot] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;
        Requested();

        AssertTrusted(await Verify(_collection.Resign(files, TufRoles.Snapshot, TufRoles.Timestamp)), _signed);
        Assert.Equal(["snapshot", "timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_TimestampRolledBackWhileTheRestIsKept_Denies()
    {
        var old = _collection.Build();
        AssertTrusted(await Verify(old), _signed);
        _collection.Versions[TufRoles.Timestamp] = 2;
        AssertTrusted(await Verify(_collection.Resign(old, TufRoles.Timestamp)), _signed);
        Requested();

        // The version 1 timestamp is validly signed and lists the very snapshot that is kept.
        var outcome = await Verify(old);

        AssertDenied(outcome, $"timestamp of \"{ForgedCollection.Gun}\" has version 1, older than version 2 seen before (rollback)");
    }

    [Fact]
    public async Task Verify_ChangedSnapshotListingOtherTargetsHashes_DeniesTheKeptTargets()
    {
        // Whoever holds the snapshot and timestamp keys (often the Notary server) lists a new targets file, but the
        // server still serves the one kept: it must not be reused because its bytes are familiar.
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        _collection.Targets["signed"] = ForgedCollection.Manifest("malicious");
        _collection.Versions[TufRoles.Targets] = 2;
        var republished = _collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        republished[TufRoles.Targets] = files[TufRoles.Targets];
        Requested();

        var outcome = await Verify(republished);

        AssertDenied(outcome, "targets does not match the sha");
        Assert.Contains("targets", Requested());
    }

    [Fact]
    public async Task Verify_ChangedSnapshotListingTargetsSignedByAnAttacker_Denies()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        using var attacker = TestKey.Create();
        _collection.Signers[TufRoles.Targets] = [attacker];
        _collection.Targets["signed"] = ForgedCollection.Manifest("malicious");
        _collection.Versions[TufRoles.Targets] = 2;

        var outcome = await Verify(_collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp));

        AssertDenied(outcome, "targets has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_NewTimestampSignedByAKeyRootDoesNotName_DeniesAndKeepsNothingOfIt()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        using var attacker = TestKey.Create();
        _collection.Signers[TufRoles.Timestamp] = [attacker];
        _collection.Versions[TufRoles.Timestamp] = 7;

        AssertDenied(await Verify(_collection.Resign(files, TufRoles.Timestamp)), "timestamp has 0 of 1 required valid signatures");

        // Nothing of the forged timestamp was recorded: the genuine version 1 is still accepted.
        AssertTrusted(await Verify(files), _signed);
    }

    [Fact]
    public async Task Verify_OtherPinnedTrustRoot_DoesNotReuseWhatAnotherRootKeyVouchedFor()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Requested();
        using var other = TestKey.Create();

        AssertDenied(await Verify(files, pinned: [other.AsTrustRoot("ops")]), "root is not signed by trust root \"ops\"");
        Assert.Contains("root", Requested());

        // All pinned keys (trustRoot "*") are another set again.
        AssertDenied(await Verify(files, pinned: [_collection.RootKey.AsTrustRoot("default"), other.AsTrustRoot("ops")]), "root is not signed by trust root \"ops\"");
        Assert.Contains("root", Requested());
    }

    [Fact]
    public async Task Verify_ConcurrentValidationsOfOneCollection_ShareOneRefresh()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        var files = _collection.Build();
        var requested = new ConcurrentQueue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NotaryRoleFetcher fetch = async (role, _, ct) =>
        {
            requested.Enqueue(role);
            await gate.Task.WaitAsync(ct);
            return files.GetValueOrDefault(role);
        };

        async Task<ValidationOutcome[]> VerifyManyAsync()
        {
            // Each call joins the refresh before its first await; the gate opens once all have.
            var validations = Enumerable.Range(0, 8).Select(_ => _verifier.VerifyAsync(Request(), fetch, Ct).AsTask()).ToArray();
            gate.SetResult();
            return await Task.WhenAll(validations);
        }

        Assert.All(await VerifyManyAsync(), o => AssertTrusted(o, _signed));
        Assert.Equal(["root", "snapshot", "targets", "targets/releases", "timestamp"], requested.Order(StringComparer.Ordinal));

        requested.Clear();
        gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.All(await VerifyManyAsync(), o => AssertTrusted(o, _signed));
        Assert.Equal(["timestamp"], requested);
    }

    [Fact]
    public async Task Verify_StarterOfASharedRefreshGivesUp_OthersRefreshThemselves()
    {
        var files = _collection.Build();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NotaryRoleFetcher slow = async (role, _, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return files.GetValueOrDefault(role);
        };
        using var starter = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = _verifier.VerifyAsync(Request(), slow, starter.Token).AsTask();
        var second = _verifier.VerifyAsync(Request(), slow, Ct).AsTask();

        await starter.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        gate.SetResult();

        AssertTrusted(await second, _signed);
    }

    [Fact]
    public async Task Verify_FetcherCancelledWithoutTheCallersToken_PropagatesInsteadOfStartingAgain()
    {
        var calls = 0;
        NotaryRoleFetcher cancelled = (_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new OperationCanceledException();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _verifier.VerifyAsync(Request(), cancelled, Ct).AsTask());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Verify_RootRotatedBySigningWithOldAndNewKeys_UpdatesRootAndKeepsTheUnchangedTargets()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        var oldRootKey = _collection.RootKey;
        using var newRootKey = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root] = [newRootKey];
        _collection.Signers[TufRoles.Root] = [oldRootKey, newRootKey];
        _collection.Versions[TufRoles.Root] = 2;
        _collection.Versions[TufRoles.Snapshot] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;
        var rotated = _collection.Resign(files, TufRoles.Root, TufRoles.Snapshot, TufRoles.Timestamp);
        Requested();

        // The rule still pins the old root key, which signed the new root too.
        AssertTrusted(await Verify(rotated, pinned: [oldRootKey.AsTrustRoot("default")]), _signed);
        Assert.Equal(["root", "snapshot", "timestamp"], Requested());
        Assert.Equal(2, (await _store.GetAsync(new TrustStateKey(string.Empty, ForgedCollection.Gun), Ct)).Versions[TufRoles.Root]);
        oldRootKey.Dispose();
    }

    [Fact]
    public async Task Verify_RootRotatedWithoutTheOldKey_IsDeniedLikeWithoutTheCache()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        var oldRootKey = _collection.RootKey;
        using var newRootKey = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root] = [newRootKey];
        _collection.Versions[TufRoles.Root] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;

        var outcome = await Verify(_collection.Resign(files, TufRoles.Root, TufRoles.Snapshot, TufRoles.Timestamp), pinned: [oldRootKey.AsTrustRoot("default")]);

        AssertDenied(outcome, "root is not signed by trust root \"default\"");
        oldRootKey.Dispose();
    }

    [Fact]
    public async Task Verify_RootRotationSkip_VersionThreeWithoutVersionTwo_IsDeniedByTheFullVerificationToo()
    {
        // Not a valid rotation from the kept root (TUF: version + 1), and the full verification that follows walks from
        // the last trusted root too (TUF §5.3): without 2.root.json on the server, version 3 is never reached. (Before,
        // the full verification trusted any root the pinned key and its own threshold signed, as Connaisseur does.)
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        _collection.Versions[TufRoles.Root] = 3;
        Requested();

        AssertDenied(
            await Verify(_collection.Resign(files, TufRoles.Root, TufRoles.Snapshot, TufRoles.Timestamp)),
            $"root of \"{ForgedCollection.Gun}\" went from version 1 to 3, but the server has no 2.root.json");
        Assert.Equal(["2.root", "root", "root", "snapshot", "snapshot", "targets", "timestamp", "timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_SameHostOtherServerUrl_KeepsItsOwnTrustDataAndRollbackFloor()
    {
        // Two Notary servers behind one host and port (another path): what one served sets neither the kept trust data
        // nor the rollback floor of the other.
        _collection.Versions[TufRoles.Targets] = 5;
        var first = _collection.Build();
        AssertTrusted(await _verifier.VerifyAsync(Request() with { ServerUrl = "https://notary.example:4443/a/" }, ForgedCollection.Serve(first, _requested), Ct), _signed);
        Requested();

        _collection.Versions[TufRoles.Targets] = 1;
        var second = _collection.Build();
        AssertTrusted(await _verifier.VerifyAsync(Request() with { ServerUrl = "https://notary.example:4443/b/" }, ForgedCollection.Serve(second, _requested), Ct), _signed);
        Assert.Equal(["root", "snapshot", "targets", "timestamp"], Requested());
        Assert.Equal(5, (await _store.GetAsync(new TrustStateKey("https://notary.example:4443/a/", ForgedCollection.Gun), Ct)).Versions[TufRoles.Targets]);
        Assert.Equal(1, (await _store.GetAsync(new TrustStateKey("https://notary.example:4443/b/", ForgedCollection.Gun), Ct)).Versions[TufRoles.Targets]);
    }

    [Fact]
    public async Task Verify_DelegationNotSearchedBefore_IsFetchedOnceAndVerifiedAgainstTheKeptTargets()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        _collection.AddDelegation("targets/alice").Targets["signed"] = _signed;
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Requested();

        AssertTrusted(await Verify(files, delegations: ["targets/alice"]), _signed);
        Assert.Equal(["targets/alice", "timestamp"], Requested());

        // Both delegations are kept now, whichever rule asks.
        AssertTrusted(await Verify(files, delegations: ["targets/alice"]), _signed);
        AssertTrusted(await Verify(files), _signed);
        AssertTrusted(await Verify(files, delegations: ["targets/releases", "targets/alice"]), _signed);
        Assert.Equal(["timestamp", "timestamp", "timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_DelegationNotSearchedBeforeSignedByAnAttacker_Denies()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        var alice = _collection.AddDelegation("targets/alice");
        alice.Targets["signed"] = ForgedCollection.Manifest("malicious");
        using var attacker = TestKey.Create();
        alice.Signers = [attacker];
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);

        AssertDenied(await Verify(files, delegations: ["targets/alice"]), "targets/alice has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_DelegationKeyRevokedInTargets_KeptDelegationSignedWithTheOldKeyIsNotTrusted()
    {
        // The owner replaces a compromised releases key; the releases file the server still serves is byte for byte
        // the one kept, but targets no longer delegates to the key that signed it.
        var releases = _collection.AddDelegation(TufRoles.Releases);
        releases.Targets["signed"] = _signed;
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        using var replacement = TestKey.Create();
        releases.Keys.Clear();
        releases.Keys.Add(replacement);
        _collection.Versions[TufRoles.Targets] = 2;

        var outcome = await Verify(_collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp));

        AssertDenied(outcome, "targets/releases has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_DelegationPathsNarrowedInTargets_KeptDelegationIsHeldToTheNewPaths()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases);
        releases.Targets["signed"] = _signed;
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        releases.Paths.Clear();
        releases.Paths.Add("v");
        _collection.Versions[TufRoles.Targets] = 2;
        var narrowed = _collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        Requested();

        var outcome = await Verify(narrowed);

        AssertDenied(outcome, $"targets/releases of {ForgedCollection.Gun} signs tag \"signed\" but is not delegated to sign it");
        Assert.Equal(["snapshot", "targets", "timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_TimestampCannotBeFetched_FallsBackToTheFullVerification()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);
        Requested();
        var failures = 1;
        NotaryRoleFetcher flaky = (role, length, ct) => role == TufRoles.Timestamp && failures-- > 0
            ? throw new HttpRequestException("connection reset")
            : ForgedCollection.Serve(files, _requested)(role, length, ct);

        AssertTrusted(await _verifier.VerifyAsync(Request(), flaky, Ct), _signed);
        Assert.Equal(["root", "snapshot", "targets", "timestamp"], Requested());
    }

    [Fact]
    public async Task Verify_CollectionRemovedFromTheServer_DeniesAndForgetsIt()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), _signed);

        AssertDenied(await Verify([]), $"no trust data for GUN \"{ForgedCollection.Gun}\": there is no root.json");
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void Cache_MoreCollectionsThanItsBound_ForgetsTheLeastRecentlyUsed()
    {
        var cache = new NotaryTrustCache(maxCollections: 2);
        var collection = Collection();
        NotaryCollectionKey Key(string gun) => new(string.Empty, gun, "fingerprint", TufVerificationOptions.Default);
        cache.Set(Key("a"), collection);
        cache.Set(Key("b"), collection);
        Assert.NotNull(cache.TryGet(Key("a")));

        cache.Set(Key("c"), collection);

        Assert.Equal(2, cache.Count);
        Assert.NotNull(cache.TryGet(Key("a")));
        Assert.Null(cache.TryGet(Key("b")));
        Assert.NotNull(cache.TryGet(Key("c")));
    }

    [Fact]
    public void Cache_MoreBytesThanItsBudget_ForgetsTheLeastRecentlyUsedAndNeverKeepsWhatIsTooLarge()
    {
        var collection = Collection();
        var cache = new NotaryTrustCache(maxBytes: (collection.Size * 2) + 1);
        NotaryCollectionKey Key(string gun) => new(string.Empty, gun, "fingerprint", TufVerificationOptions.Default);
        cache.Set(Key("a"), collection);
        cache.Set(Key("b"), collection);
        cache.Set(Key("c"), collection);

        Assert.Equal(2, cache.Count);
        Assert.Null(cache.TryGet(Key("a")));

        var small = new NotaryTrustCache(maxBytes: collection.Size - 1);
        small.Set(Key("a"), collection);
        Assert.Equal(0, small.Count);
    }

    private VerifiedCollection Collection()
    {
        var files = _collection.Build();
        var set = TrustedMetadataSet.LoadPinnedRoot(ForgedCollection.Gun, files["root"], [_collection.RootKey.AsTrustRoot("default")], ForgedCollection.Now);
        set.UpdateTimestamp(files["timestamp"]);
        set.UpdateSnapshot(files["snapshot"]);
        set.UpdateTargets(files["targets"]);
        return set.Freeze();
    }

    private NotaryTrustRequest Request(string? tag = "signed", string[]? delegations = null, PublicKeyTrustRoot[]? pinned = null) => new()
    {
        Gun = ForgedCollection.Gun,
        TrustRoots = [.. pinned ?? [_collection.RootKey.AsTrustRoot("default")]],
        Tag = tag,
        Delegations = [.. delegations ?? []],
    };

    private async Task<ValidationOutcome> Verify(
        Dictionary<string, byte[]> files, string? tag = "signed", string[]? delegations = null, PublicKeyTrustRoot[]? pinned = null)
    {
        return await _verifier.VerifyAsync(Request(tag, delegations, pinned), ForgedCollection.Serve(files, _requested), Ct);
    }

    /// <summary>The roles fetched since the last call, sorted.</summary>
    private string[] Requested()
    {
        lock (_requested)
        {
            var roles = _requested.Order(StringComparer.Ordinal).ToArray();
            _requested.Clear();
            return roles;
        }
    }

    private static void AssertTrusted(ValidationOutcome outcome, byte[] sha256)
    {
        var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
        Assert.Equal(Digest.FromSha256(sha256), trusted.Digest);
    }

    private static void AssertDenied(ValidationOutcome outcome, string reason)
    {
        var denied = Assert.IsType<ValidationOutcome.Denied>(outcome);
        Assert.Contains(reason, denied.Reason, StringComparison.Ordinal);
    }
}
