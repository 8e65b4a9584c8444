using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

/// <summary>
/// The TUF attack catalogue (TUF specification §1.5.2; python-tuf's <c>test_updater_*</c>) replayed against the
/// notaryv1 verifier, with collections the tests forge and sign themselves: each test names the attack it replays.
/// </summary>
/// <remarks>One verifier per test, with its own rollback state, kept trust data and keys read, like one Verity process.</remarks>
public sealed class TufAttackTests : IDisposable
{
    private const string OtherGun = "registry.example/acme/other";

    private readonly ForgedCollection _collection = new();
    private readonly FakeTimeProvider _time = new(ForgedCollection.Now);
    private readonly InMemoryTrustStateStore _store = new();
    private readonly NotaryTrustCache _cache = new();
    private readonly TufKeyCache _keyCache = new();
    private readonly byte[] _signed = ForgedCollection.Manifest("signed");
    private readonly List<TestKey> _keys = [];

    public TufAttackTests()
    {
        _collection.Targets["signed"] = _signed;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _collection.Dispose();
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    [Fact]
    public async Task Verify_Rollback_OlderValidlySignedCollection_IsDenied()
    {
        var old = _collection.Build();
        foreach (var role in TufRoles.TopLevel.Where(r => r != TufRoles.Root))
        {
            _collection.Versions[role] = 2;
        }

        _collection.Targets["signed"] = ForgedCollection.Manifest("patched");
        AssertTrusted(await Verify(_collection.Resign(old, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp)), "patched");

        // The server (or a man in the middle) serves the old, validly signed, not yet expired collection again.
        AssertDenied(await Verify(old), "older than version 2 seen before (rollback)");
        AssertDenied(await Verify(old, fresh: true), "older than version 2 seen before (rollback)");
    }

    [Fact]
    public async Task Verify_IndefiniteFreeze_ExpiredTimestampReplayed_IsDenied()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), "signed");

        // The attacker keeps serving the same (once valid) trust data after it expired.
        _time.Advance(TimeSpan.FromDays(31));
        AssertDenied(await Verify(files), "expired at 2026-07-01T12:00:00Z");
        AssertDenied(await Verify(files, fresh: true), "expired at 2026-07-01T12:00:00Z");
    }

    [Fact]
    public async Task Verify_MixAndMatch_TargetsFromAnotherSnapshot_IsDenied()
    {
        var v1 = _collection.Build();
        _collection.Versions[TufRoles.Targets] = 2;
        _collection.Versions[TufRoles.Snapshot] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;
        _collection.Targets["signed"] = ForgedCollection.Manifest("patched");
        var v2 = _collection.Resign(v1, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);

        // Current timestamp and snapshot, but the targets role of the first version (validly signed by the targets key).
        var mixed = new Dictionary<string, byte[]>(v2) { [TufRoles.Targets] = v1[TufRoles.Targets] };
        AssertDenied(await Verify(mixed), "targets does not match the sha");
    }

    [Fact]
    public async Task Verify_EndlessData_DelegationLongerThanTheSnapshotLists_IsBoundedAndDenied()
    {
        _collection.AddDelegation(TufRoles.Releases).Targets["signed"] = _signed;
        var files = _collection.Build();
        var listed = files[TufRoles.Releases].Length;
        files[TufRoles.Releases] = [.. files[TufRoles.Releases], .. Encoding.ASCII.GetBytes(new string(' ', 1 << 20))];
        var limits = new Dictionary<string, long?>(StringComparer.Ordinal);

        NotaryRoleFetcher fetch = (role, listedLength, _) =>
        {
            lock (limits)
            {
                limits[role] = listedLength;
            }

            return ValueTask.FromResult(files.GetValueOrDefault(role));
        };
        var outcome = await Verifier().VerifyAsync(Request(), fetch, Ct);

        // The fetcher is told the most it may read (TUF §5.6.1), and what it returns beyond it is refused, not parsed.
        Assert.Equal(listed, limits[TufRoles.Releases]);
        AssertDenied(outcome, "targets/releases does not match the sha");
    }

    [Fact]
    public async Task Verify_EndlessData_SnapshotOnTheKeptPath_IsBoundedAndCheckedBeforeParsing()
    {
        var files = _collection.Build();
        AssertTrusted(await Verify(files), "signed");
        _collection.Versions[TufRoles.Snapshot] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;
        var republished = _collection.Resign(files, TufRoles.Snapshot, TufRoles.Timestamp);
        var listed = republished[TufRoles.Snapshot].Length;

        // The server answers the new timestamp with a snapshot the timestamp does not vouch for (here, not even JSON).
        var served = new Dictionary<string, byte[]>(republished) { [TufRoles.Snapshot] = Encoding.ASCII.GetBytes(new string('[', 100_000)) };
        var limits = new List<(string Role, long? Limit)>();
        NotaryRoleFetcher fetch = (role, listedLength, _) =>
        {
            lock (limits)
            {
                limits.Add((role, listedLength));
            }

            return ValueTask.FromResult(served.GetValueOrDefault(role));
        };
        var logger = new RecordingLogger();
        var outcome = await new NotaryTrustVerifier(_store, _time, cache: _cache, logger: logger).VerifyAsync(Request(), fetch, Ct);

        AssertDenied(outcome, "snapshot does not match the sha");
        Assert.Contains((TufRoles.Snapshot, (long?)listed), limits);
        var reason = Assert.Single(logger.Messages);
        Assert.Contains("snapshot does not match the sha", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WrongThreshold_OneKeyForAThresholdOfTwo_IsDenied()
    {
        using var second = TestKey.Create();
        _collection.RoleKeys[TufRoles.Targets].Add(second);
        _collection.Thresholds[TufRoles.Targets] = 2;
        _collection.Signers[TufRoles.Targets] = [_collection.RoleKeys[TufRoles.Targets][0], _collection.RoleKeys[TufRoles.Targets][0]];
        AssertDenied(await Verify(_collection.Build()), "targets has 1 of 2 required valid signatures");
    }

    [Fact]
    public async Task Verify_CompromisedDelegationKey_SigningASiblingDelegation_IsDenied()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases);
        var qa = _collection.AddDelegation("targets/qa");
        qa.Targets["signed"] = _signed;

        // The attacker holds the releases key only, and signs targets/qa with it.
        qa.Signers = releases.Keys;
        AssertDenied(await Verify(_collection.Build(), delegations: ["targets/qa"]), "targets/qa has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_CompromisedDelegationKey_RevokedKeyStillSigning_IsDenied()
    {
        var releases = _collection.AddDelegation(TufRoles.Releases);
        releases.Targets["signed"] = _signed;
        var files = _collection.Build();
        AssertTrusted(await Verify(files), "signed");

        // The owner revokes the compromised key (targets re-signed with a new releases key); the attacker signs a new
        // releases role with the revoked key.
        var revoked = releases.Keys[0];
        using var replacement = TestKey.Create();
        releases.Keys[0] = replacement;
        releases.Signers = [revoked];
        releases.Targets["signed"] = ForgedCollection.Manifest("malicious");
        foreach (var role in new[] { TufRoles.Targets, TufRoles.Releases, TufRoles.Snapshot, TufRoles.Timestamp })
        {
            _collection.Versions[role] = 2;
        }

        AssertDenied(await Verify(_collection.Build()), "targets/releases has 0 of 1 required valid signatures");
        releases.Keys[0] = revoked;
    }

    [Fact]
    public async Task Verify_DelegationPathEscape_NestedRoleWiderThanItsParent_IsDenied()
    {
        _collection.AddDelegation("targets/team", paths: ["release-"]);
        var nested = _collection.AddDelegation("targets/team/ci", paths: [""]);
        nested.Targets["signed"] = _signed;
        AssertDenied(
            await Verify(_collection.Build(), delegations: ["targets/team/ci"]),
            "targets/team/ci of registry.example/acme/app signs tag \"signed\" but is not delegated to sign it (outside its paths)");
    }

    [Fact]
    public async Task Verify_RootRotationSkip_FullRefreshWalksFromTheLastTrustedRoot()
    {
        var v1 = _collection.Build();
        AssertTrusted(await Verify(v1), "signed");
        var (v3, _) = RotateRootTwice(v1);

        // The server serves root version 3, signed by the pinned key and its own keys, but not version 2: the last
        // trusted root is version 1, and root is only trusted through every rotation from it (TUF §5.3), also when
        // the kept trust data is not used (a fresh cache, as after a failure of the kept path).
        v3.Remove("2.root");
        AssertDenied(await Verify(v3), "went from version 1 to 3, but the server has no 2.root.json");
        AssertDenied(await Verify(v3, fresh: true), "went from version 1 to 3, but the server has no 2.root.json");
    }

    [Fact]
    public async Task Verify_RootRotationSkip_IntermediateRootNotSignedByTheTrustedRootKeys_IsDenied()
    {
        var v1 = _collection.Build();
        AssertTrusted(await Verify(v1), "signed");
        var (v3, _) = RotateRootTwice(v1);

        // A version 2 that the root keys of version 1 never signed (the attacker's own key) does not lead to version 3.
        using var attacker = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root] = [attacker];
        _collection.Signers[TufRoles.Root] = [attacker];
        _collection.Versions[TufRoles.Root] = 2;
        v3["2.root"] = _collection.Resign(v3, TufRoles.Root)[TufRoles.Root];
        AssertDenied(await Verify(v3, fresh: true), "root version 2 is not signed by the keys of trusted root version 1");
    }

    [Fact]
    public async Task Verify_RootRotatedTwiceWithEveryVersionServed_IsTrusted()
    {
        var v1 = _collection.Build();
        AssertTrusted(await Verify(v1), "signed");
        var (v3, _) = RotateRootTwice(v1);
        AssertTrusted(await Verify(v3, fresh: true), "signed");
        AssertTrusted(await Verify(v3), "signed");
    }

    [Fact]
    public async Task Verify_RollbackAfterRestart_WithAStateDirectory_IsDenied()
    {
        using var directory = new TemporaryDirectory();
        var old = _collection.Build();
        foreach (var role in TufRoles.TopLevel.Where(r => r != TufRoles.Root))
        {
            _collection.Versions[role] = 2;
        }

        var current = _collection.Resign(old, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        var beforeRestart = new NotaryTrustVerifier(new FileTrustStateStore(directory.Path), _time);
        AssertTrusted(await beforeRestart.VerifyAsync(Request(), ForgedCollection.Serve(current), Ct), "signed");

        // A new process (new store over the same directory, nothing kept in memory) still refuses the older collection.
        var afterRestart = new NotaryTrustVerifier(new FileTrustStateStore(directory.Path), _time);
        AssertDenied(await afterRestart.VerifyAsync(Request(), ForgedCollection.Serve(old), Ct), "older than version 2 seen before (rollback)");
        Assert.Single(Directory.GetFiles(directory.Path, "*.json"));
    }

    [Fact]
    public async Task Verify_RollbackOnAnotherReplica_WithSharedFloors_IsDenied()
    {
        var shared = new SharedFloors();
        var old = _collection.Build();
        foreach (var role in TufRoles.TopLevel.Where(r => r != TufRoles.Root))
        {
            _collection.Versions[role] = 2;
        }

        var current = _collection.Resign(old, TufRoles.Targets, TufRoles.Snapshot, TufRoles.Timestamp);
        var replicaA = new NotaryTrustVerifier(new SharedFloorTrustStateStore(new InMemoryTrustStateStore(), shared), _time);
        AssertTrusted(await replicaA.VerifyAsync(Request(), ForgedCollection.Serve(current), Ct), "signed");

        // Replica B never saw the collection; the floor replica A shared refuses the older one there too.
        var replicaB = new NotaryTrustVerifier(new SharedFloorTrustStateStore(new InMemoryTrustStateStore(), shared), _time);
        AssertDenied(await replicaB.VerifyAsync(Request(), ForgedCollection.Serve(old), Ct), "older than version 2 seen before (rollback)");

        // Without the shared floors (the shared cache down), replica C is a fresh process: the verdict on current data is unchanged.
        var replicaC = new NotaryTrustVerifier(new SharedFloorTrustStateStore(new InMemoryTrustStateStore(), new SharedFloors { Down = true }), _time);
        AssertTrusted(await replicaC.VerifyAsync(Request(), ForgedCollection.Serve(current), Ct), "signed");
    }

    [Fact]
    public async Task Verify_RootRotatedOnAnotherReplica_SharedRootFloorDoesNotBreakTheRotationWalk()
    {
        var shared = new SharedFloors();
        var replicaA = new NotaryTrustVerifier(new SharedFloorTrustStateStore(new InMemoryTrustStateStore(), shared), _time);
        var replicaB = new NotaryTrustVerifier(new SharedFloorTrustStateStore(new InMemoryTrustStateStore(), shared), _time);
        var v1 = _collection.Build();
        AssertTrusted(await replicaA.VerifyAsync(Request(), ForgedCollection.Serve(v1), Ct), "signed");
        AssertTrusted(await replicaB.VerifyAsync(Request(), ForgedCollection.Serve(v1), Ct), "signed");

        var (v3, _) = RotateRootTwice(v1);
        AssertTrusted(await replicaA.VerifyAsync(Request(), ForgedCollection.Serve(v3), Ct), "signed");
        Assert.Equal(3, shared.Floors.Values.Single()[TufRoles.Root]);

        // Replica B keeps root version 1 and walks 1 → 2 → 3, although the shared root floor says 3.
        AssertTrusted(await replicaB.VerifyAsync(Request(), ForgedCollection.Serve(v3), Ct), "signed");
    }

    [Fact]
    public async Task Verify_RootRotationSkipAfterRestart_WithAStateDirectory_IsDenied()
    {
        using var directory = new TemporaryDirectory();
        var v1 = _collection.Build();
        AssertTrusted(await new NotaryTrustVerifier(new FileTrustStateStore(directory.Path), _time).VerifyAsync(Request(), ForgedCollection.Serve(v1), Ct), "signed");
        var (v3, _) = RotateRootTwice(v1);
        v3.Remove("2.root");

        var afterRestart = new NotaryTrustVerifier(new FileTrustStateStore(directory.Path), _time);
        AssertDenied(await afterRestart.VerifyAsync(Request(), ForgedCollection.Serve(v3), Ct), "went from version 1 to 3, but the server has no 2.root.json");
    }

    [Fact]
    public async Task Verify_StateFileForAnotherCollection_FailsClosed()
    {
        using var directory = new TemporaryDirectory();
        var store = new FileTrustStateStore(directory.Path);
        await store.RecordAsync(new TrustStateKey("https://a/", ForgedCollection.Gun), new Dictionary<string, long> { [TufRoles.Root] = 1 }, null, Ct);
        var file = Assert.Single(Directory.GetFiles(directory.Path, "*.json"));
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file, Ct)).Replace(ForgedCollection.Gun, OtherGun, StringComparison.Ordinal), Ct);

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await new FileTrustStateStore(directory.Path).GetAsync(new TrustStateKey("https://a/", ForgedCollection.Gun), Ct));
        Assert.Contains("belongs to another server or collection", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_StateDirectoryFull_NewCollectionsCannotEvictExistingFloors()
    {
        using var directory = new TemporaryDirectory();
        var store = new FileTrustStateStore(directory.Path, maxCollections: 1);
        var versions = new Dictionary<string, long> { [TufRoles.Targets] = 7 };
        await store.RecordAsync(new TrustStateKey("https://a/", ForgedCollection.Gun), versions, null, Ct);
        await store.RecordAsync(new TrustStateKey("https://a/", OtherGun), versions, null, Ct);

        Assert.Single(Directory.GetFiles(directory.Path, "*.json"));
        var reopened = new FileTrustStateStore(directory.Path, maxCollections: 1);
        Assert.Equal(7, (await reopened.GetAsync(new TrustStateKey("https://a/", ForgedCollection.Gun), Ct)).Versions[TufRoles.Targets]);
        Assert.Equal(7, (await store.GetAsync(new TrustStateKey("https://a/", OtherGun), Ct)).Versions[TufRoles.Targets]);
    }

    [Fact]
    public async Task Verify_GunSwap_RootForOtherCollection_IsDenied()
    {
        // Trust data published for registry.example/acme/app, signed with the pinned key that also signs the other
        // collection's root, served as the other collection's: root's certificate names the first collection.
        var outcome = await Verify(_collection.Build(), gun: OtherGun);
        AssertDenied(outcome, $"root of \"{OtherGun}\" has no root certificate issued for \"{OtherGun}\" (its root keys: a certificate for \"{ForgedCollection.Gun}\")");
    }

    [Fact]
    public async Task Verify_GunSwap_AfterTheCollectionsKeysWereRead_IsDenied()
    {
        // The same swap in a process that has just trusted the collection: its root certificate (and the pinned key in it)
        // are kept read, and still name the first collection only.
        var files = _collection.Build();
        AssertTrusted(await Verify(files), "signed");

        var outcome = await Verify(files, gun: OtherGun);
        AssertDenied(outcome, $"root of \"{OtherGun}\" has no root certificate issued for \"{OtherGun}\" (its root keys: a certificate for \"{ForgedCollection.Gun}\")");
    }

    [Fact]
    public async Task Verify_GunSwap_RootKeyWithoutCertificate_IsDenied()
    {
        // A root whose root key is a bare key names no collection at all: Notary's client does not count it.
        _collection.RoleKeys[TufRoles.Root] = [TestKey.Create()];
        AssertDenied(await Verify(_collection.Build()), "has no root certificate issued for \"registry.example/acme/app\" (its root keys: an ecdsa key)");
    }

    [Fact]
    public void Verify_KeyDuplication_SameRsaKeyInTwoEncodings_DoesNotMeetThresholdOfTwo()
    {
        // One RSA key listed twice, as its usual SubjectPublicKeyInfo and without the NULL algorithm parameters: two
        // key IDs, one key. Both "signatures" are the same key's, so a threshold of 2 is not met.
        using var rsa = RSA.Create(2048);
        var usual = TufKey.Create("rsa", rsa.ExportSubjectPublicKeyInfo());
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.1");
            }

            writer.WriteBitString(rsa.ExportRSAPublicKey());
        }

        var unusual = TufKey.Create("rsa", writer.Encode());
        Assert.NotEqual(usual.Id, unusual.Id);

        var message = Encoding.UTF8.GetBytes("{\"_type\":\"Timestamp\"}");
        var signature = rsa.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        var metadata = new TimestampMetadata
        {
            Type = TimestampMetadata.TypeName,
            Version = 1,
            Expires = ForgedCollection.Now.AddDays(1),
            Signatures = [new TufSignature(usual.Id, "rsapss", signature), new TufSignature(unusual.Id, "rsapss", signature)],
            SignedBytes = message,
            Meta = ImmutableDictionary<string, FileMeta>.Empty,
        };
        var role = new SigningRole(TufRoles.Timestamp, ImmutableDictionary.CreateRange(StringComparer.Ordinal, [new(usual.Id, usual), new KeyValuePair<string, TufKey>(unusual.Id, unusual)]), 2);

        var e = Assert.Throws<UnsignedMetadataException>(() => role.Verify(metadata));
        Assert.Equal("timestamp has 1 of 2 required valid signatures", e.Message);

        // Read through one key cache, both key IDs give the very same key instance: still one signer.
        var usualCached = TufKey.Create("rsa", usual.PublicBytes, _keyCache);
        var unusualCached = TufKey.Create("rsa", unusual.PublicBytes, _keyCache);
        Assert.Same(usualCached.Key, unusualCached.Key);
        var cachedRole = new SigningRole(TufRoles.Timestamp, ImmutableDictionary.CreateRange(StringComparer.Ordinal, [new(usual.Id, usualCached), new KeyValuePair<string, TufKey>(unusual.Id, unusualCached)]), 2);
        Assert.Equal("timestamp has 1 of 2 required valid signatures", Assert.Throws<UnsignedMetadataException>(() => cachedRole.Verify(metadata)).Message);
    }

    [Fact]
    public async Task Verify_EcKeyWithExplicitCurveParameters_IsDeniedNotAnInternalError()
    {
        // Used to end in a NullReferenceException out of the key parser.
        _collection.RoleKeys[TufRoles.Targets] = [TestKey.CreateWithExplicitCurve()];
        AssertDenied(await Verify(_collection.Build()), "targets has 0 of 1 required valid signatures");
    }

    [Fact]
    public async Task Verify_LoneSurrogateInSignedMetadata_IsDeniedNotAnInternalError()
    {
        var files = _collection.Build();
        var text = Encoding.UTF8.GetString(files[TufRoles.Targets]);
        files[TufRoles.Targets] = Encoding.UTF8.GetBytes(text.Replace("\"signed\": {", "\"signed\": {\"\\ud800\": 1,", StringComparison.Ordinal));
        var resigned = _collection.Resign(files, TufRoles.Snapshot, TufRoles.Timestamp);
        AssertDenied(await Verify(resigned, fresh: true), "not valid Unicode");
    }

    /// <summary>Rotates root from version 1 to 3 (each version signed by the previous root's key, its own and the pinned
    /// key), re-signing snapshot and timestamp; the result serves every root version as <c>N.root</c>.</summary>
    private (Dictionary<string, byte[]> Files, TestKey V2Key) RotateRootTwice(Dictionary<string, byte[]> v1)
    {
        var pinned = _collection.RootKey;
        var v2Key = TestKey.CreateX509(ForgedCollection.Gun);
        var v3Key = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys[TufRoles.Root] = [v2Key];
        _collection.Signers[TufRoles.Root] = [pinned, v2Key];
        _collection.Versions[TufRoles.Root] = 2;
        var v2 = _collection.Resign(v1, TufRoles.Root);
        _collection.RoleKeys[TufRoles.Root] = [v3Key];
        _collection.Signers[TufRoles.Root] = [pinned, v2Key, v3Key];
        _collection.Versions[TufRoles.Root] = 3;
        _collection.Versions[TufRoles.Snapshot] = 2;
        _collection.Versions[TufRoles.Timestamp] = 2;
        var v3 = _collection.Resign(v2, TufRoles.Root, TufRoles.Snapshot, TufRoles.Timestamp);
        v3["1.root"] = v1[TufRoles.Root];
        v3["2.root"] = v2[TufRoles.Root];
        v3["3.root"] = v3[TufRoles.Root];
        _keys.Add(pinned);
        _keys.Add(v2Key);
        _keys.Add(v3Key);
        return (v3, v2Key);
    }

    private NotaryTrustVerifier Verifier(bool fresh = false) =>
        new(_store, _time, cache: fresh ? new NotaryTrustCache() : _cache, keyCache: _keyCache);

    private NotaryTrustRequest Request(string? gun = null, string[]? delegations = null) => new()
    {
        Gun = gun ?? ForgedCollection.Gun,
        TrustRoots = [(_keys.FirstOrDefault() ?? _collection.RootKey).AsTrustRoot("default")],
        Tag = "signed",
        Delegations = [.. delegations ?? []],
    };

    private async Task<ValidationOutcome> Verify(
        Dictionary<string, byte[]> files, string? gun = null, string[]? delegations = null, bool fresh = false) =>
        await Verifier(fresh).VerifyAsync(Request(gun, delegations), ForgedCollection.Serve(files), Ct);

    private static void AssertTrusted(ValidationOutcome outcome, string manifestSeed)
    {
        var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
        Assert.Equal(ForgedCollection.DigestOf(ForgedCollection.Manifest(manifestSeed)), trusted.Digest);
    }

    private static void AssertDenied(ValidationOutcome outcome, string reason)
    {
        var denied = Assert.IsType<ValidationOutcome.Denied>(outcome);
        Assert.Contains(reason, denied.Reason, StringComparison.Ordinal);
    }

    /// <summary>An <see cref="IRollbackFloorStore"/> in memory, shared by the "replicas" of a test; <see cref="Down"/> answers
    /// nothing, as a shared cache that cannot be reached.</summary>
    private sealed class SharedFloors : IRollbackFloorStore
    {
        public Dictionary<string, Dictionary<string, long>> Floors { get; } = [];

        public bool Down { get; init; }

        public ValueTask<IReadOnlyDictionary<string, long>> GetAsync(string key, CancellationToken cancellationToken)
        {
            lock (Floors)
            {
                return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(
                    !Down && Floors.TryGetValue(key, out var floors) ? new Dictionary<string, long>(floors) : []);
            }
        }

        public ValueTask RaiseAsync(string key, IReadOnlyDictionary<string, long> versions, CancellationToken cancellationToken)
        {
            lock (Floors)
            {
                if (!Down)
                {
                    var floors = Floors.TryGetValue(key, out var kept) ? kept : Floors[key] = [];
                    foreach (var (role, version) in versions)
                    {
                        floors[role] = Math.Max(version, floors.GetValueOrDefault(role));
                    }
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
