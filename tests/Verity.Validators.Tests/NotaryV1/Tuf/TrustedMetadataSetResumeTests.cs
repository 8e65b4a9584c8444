using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

/// <summary>
/// The version floors and reuse guards of a set that continues from trust data verified before (Resume, TryReuse*,
/// Freeze) and of the ways a set starts: the checks the mutation run found untested (docs/mutation-testing.md).
/// </summary>
public sealed class TrustedMetadataSetResumeTests : IDisposable
{
    private readonly ForgedCollection _collection = new();

    public void Dispose() => _collection.Dispose();

    [Fact]
    public void Rollback_StoreFloorAboveTheKeptVersion_OlderTimestampIsRejected()
    {
        // Another replica (or this one before a restart) saw timestamp 5; the kept data is at 3; the server now serves 4.
        _collection.Versions[TufRoles.Timestamp] = 3;
        var kept = Verified(_collection.Build());
        _collection.Versions[TufRoles.Timestamp] = 4;
        var replayed = _collection.Build();

        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now, Floor(TufRoles.Timestamp, 5));

        var e = Assert.Throws<BadVersionNumberException>(() => set.UpdateTimestamp(replayed[TufRoles.Timestamp]));
        Assert.Contains("timestamp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_StoreFloorBelowTheKeptVersion_TheKeptVersionStillHolds()
    {
        // A store that lags behind (written before this process verified version 3) must not lower the floor.
        _collection.Versions[TufRoles.Timestamp] = 3;
        var kept = Verified(_collection.Build());
        _collection.Versions[TufRoles.Timestamp] = 2;
        var replayed = _collection.Build();

        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now, Floor(TufRoles.Timestamp, 1));

        Assert.Throws<BadVersionNumberException>(() => set.UpdateTimestamp(replayed[TufRoles.Timestamp]));
    }

    [Fact]
    public void Rollback_StoreFloorForARoleTheKeptDataLacks_IsEnforced()
    {
        var first = _collection.Build();
        var kept = Verified(first);
        _collection.AddDelegation(TufRoles.Releases);
        _collection.Versions[TufRoles.Releases] = 2;
        foreach (var role in new[] { TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp })
        {
            _collection.Versions[role] = 2;
        }

        var files = _collection.Resign(first, TufRoles.Targets, TufRoles.Releases, TufRoles.Snapshot, TufRoles.Timestamp);
        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now, Floor(TufRoles.Releases, 7));
        set.UpdateTimestamp(files[TufRoles.Timestamp]);
        set.UpdateSnapshot(files[TufRoles.Snapshot]);
        set.UpdateTargets(files[TufRoles.Targets]);

        Assert.Throws<BadVersionNumberException>(() => set.UpdateDelegatedTargets(files[TufRoles.Releases], TufRoles.Releases));
    }

    [Fact]
    public void Rollback_NewerRootSeenSinceTheDataWasKept_ResumeIsRejected()
    {
        var kept = Verified(_collection.Build());

        Assert.Throws<BadVersionNumberException>(() => TrustedMetadataSet.Resume(kept, ForgedCollection.Now, Floor(TufRoles.Root, 2)));
    }

    [Fact]
    public void Rollback_PinnedRootOlderThanOneSeenBefore_IsRejected()
    {
        var files = _collection.Build();

        Assert.Throws<BadVersionNumberException>(() => TrustedMetadataSet.LoadPinnedRoot(
            ForgedCollection.Gun, files[TufRoles.Root], [_collection.RootKey.AsTrustRoot("default")], ForgedCollection.Now, Floor(TufRoles.Root, 2)));
    }

    [Fact]
    public void Rollback_RootUpdateBelowTheRootVersionSeenBefore_IsRejected()
    {
        // Version 2 follows the trusted version 1, but version 3 was seen before: a rotation chain replayed from its start.
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()[TufRoles.Root], ForgedCollection.Now, Floor(TufRoles.Root, 3));
        _collection.Versions[TufRoles.Root] = 2;

        Assert.Throws<BadVersionNumberException>(() => set.UpdateRoot(_collection.Build()[TufRoles.Root]));
    }

    [Fact]
    public void WrongThreshold_TrustedRootBelowItsOwnThreshold_IsRejected()
    {
        var second = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root].Add(second);
        _collection.Thresholds[TufRoles.Root] = 2;
        _collection.Signers[TufRoles.Root] = [_collection.RootKey];

        var e = Assert.Throws<UnsignedMetadataException>(
            () => TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()[TufRoles.Root], ForgedCollection.Now));

        Assert.Equal("root has 1 of 2 required valid signatures", e.Message);
    }

    [Fact]
    public void CompromisedDelegationKey_RevokedByTargets_KeptDelegationSignedByItIsNotReused()
    {
        // targets/releases was verified under key A; the owner revokes A (targets now delegates to key B) but the
        // server still serves the releases file signed by A, listed unchanged in the new snapshot.
        var releases = _collection.AddDelegation(TufRoles.Releases);
        releases.Targets["signed"] = ForgedCollection.Manifest("signed by the revoked key");
        var files = _collection.Build();
        var kept = Verified(files, TufRoles.Releases);
        var revoked = releases.Keys[0];
        releases.Keys.Clear();
        releases.Keys.Add(TestKey.Create());
        foreach (var role in new[] { TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp })
        {
            _collection.Versions[role] = 2;
        }

        var next = _collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        Assert.Equal(files[TufRoles.Releases], next[TufRoles.Releases]);
        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now);
        set.UpdateTimestamp(next[TufRoles.Timestamp]);
        Assert.False(set.TryReuseSnapshot());
        set.UpdateSnapshot(next[TufRoles.Snapshot]);
        Assert.False(set.TryReuseTargets(TufRoles.Targets));
        set.UpdateTargets(next[TufRoles.Targets]);

        Assert.False(set.TryReuseTargets(TufRoles.Releases));
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateDelegatedTargets(next[TufRoles.Releases], TufRoles.Releases));
        revoked.Dispose();
    }

    [Fact]
    public void Reuse_UnchangedDelegationUnderUnchangedKeys_IsReused()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = ForgedCollection.Manifest("signed");
        var files = _collection.Build();
        var kept = Verified(files, TufRoles.Releases);
        _collection.Targets["other"] = ForgedCollection.Manifest("other");
        foreach (var role in new[] { TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp })
        {
            _collection.Versions[role] = 2;
        }

        var next = _collection.Resign(files, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now);
        set.UpdateTimestamp(next[TufRoles.Timestamp]);
        set.UpdateSnapshot(next[TufRoles.Snapshot]);
        set.UpdateTargets(next[TufRoles.Targets]);

        Assert.True(set.TryReuseTargets(TufRoles.Releases));
        Assert.Equal(1, set.Versions[TufRoles.Releases]);
    }

    [Fact]
    public void MixAndMatch_RotatedRootWithTheSnapshotThatListsTheOldRoot_IsRejected()
    {
        // The root is rotated (version 2, signed by old and new keys), but timestamp and snapshot are the ones kept,
        // whose snapshot lists root version 1's hash: the snapshot may not be reused under the new root.
        var files = _collection.Build();
        var kept = Verified(files);
        var oldKey = _collection.RootKey;
        var newKey = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root] = [newKey];
        _collection.Signers[TufRoles.Root] = [oldKey, newKey];
        _collection.Versions[TufRoles.Root] = 2;
        var rotated = _collection.Resign(files, TufRoles.Root);

        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now);
        set.UpdateRoot(rotated[TufRoles.Root]);
        set.UpdateTimestamp(files[TufRoles.Timestamp]);

        Assert.ThrowsAny<TufException>(() => set.TryReuseSnapshot());
        oldKey.Dispose();
    }

    [Fact]
    public void Reuse_SameRootAndSnapshot_SnapshotIsReusedWithoutItsRootHashCheckedAgain()
    {
        var files = _collection.Build();
        var kept = Verified(files);
        var set = TrustedMetadataSet.Resume(kept, ForgedCollection.Now);
        set.UpdateTimestamp(files[TufRoles.Timestamp]);

        Assert.True(set.TryReuseSnapshot());
        Assert.True(set.TryReuseTargets(TufRoles.Targets));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Freeze_BeforeTimestampSnapshotAndTargetsAreLoaded_IsAProgrammingError(int loaded)
    {
        var files = _collection.Build();
        var set = TrustedMetadataSet.LoadPinnedRoot(ForgedCollection.Gun, files[TufRoles.Root], [_collection.RootKey.AsTrustRoot("default")], ForgedCollection.Now);
        if (loaded >= 1)
        {
            set.UpdateTimestamp(files[TufRoles.Timestamp]);
        }

        if (loaded >= 2)
        {
            set.UpdateSnapshot(files[TufRoles.Snapshot]);
        }

        Assert.Throws<InvalidOperationException>(set.Freeze);
    }

    private static Dictionary<string, long> Floor(string role, long version) => new(StringComparer.Ordinal) { [role] = version };

    private VerifiedCollection Verified(IReadOnlyDictionary<string, byte[]> files, params string[] delegations)
    {
        var set = TrustedMetadataSet.LoadPinnedRoot(ForgedCollection.Gun, files[TufRoles.Root], [_collection.RootKey.AsTrustRoot("default")], ForgedCollection.Now);
        set.UpdateTimestamp(files[TufRoles.Timestamp]);
        set.UpdateSnapshot(files[TufRoles.Snapshot]);
        set.UpdateTargets(files[TufRoles.Targets]);
        foreach (var delegation in delegations)
        {
            set.UpdateDelegatedTargets(files[delegation], delegation);
        }

        return set.Freeze();
    }
}
