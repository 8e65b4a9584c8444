using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1.Tuf;

public sealed class TrustedMetadataSetTests : IDisposable
{
    private readonly ForgedCollection _collection = new();

    public void Dispose() => _collection.Dispose();

    [Fact]
    public void LoadPinnedRoot_WithKeyCache_RootCertificateKeyIsThePinnedKeyAndEveryRoleVerifies()
    {
        var files = _collection.Build();
        var pinned = _collection.RootKey.AsTrustRoot("default");
        var keyCache = new TufKeyCache();

        var set = TrustedMetadataSet.LoadPinnedRoot(ForgedCollection.Gun, files["root"], [pinned], ForgedCollection.Now, keyCache: keyCache);
        set.UpdateTimestamp(files["timestamp"]);
        set.UpdateSnapshot(files["snapshot"]);
        set.UpdateTargets(files["targets"]);

        Assert.Same(pinned.Key, set.Root.RoleFor("root").Keys.Values.Single().Key);
        Assert.Same(set.Root.RoleFor("targets").Keys.Values.Single().Key, TufKey.Create("ecdsa", _collection.RoleKeys["targets"][0].PublicBytes, keyCache).Key);
    }

    [Fact]
    public void UpdateRoot_SignedByOldAndNewRootKeys_IsAccepted()
    {
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()["root"], ForgedCollection.Now);
        var oldKey = _collection.RootKey;
        var newKey = TestKey.CreateX509(ForgedCollection.Gun);
        var newTimestampKey = TestKey.Create();
        _collection.RoleKeys["root"] = [newKey];
        _collection.RoleKeys["timestamp"] = [newTimestampKey];
        _collection.Signers["root"] = [oldKey, newKey];
        _collection.Versions["root"] = 2;
        var rotated = _collection.Build();

        var root = set.UpdateRoot(rotated["root"]);

        Assert.Equal(2, root.Version);
        Assert.Same(root, set.Root);
        set.UpdateTimestamp(rotated["timestamp"]);
        set.UpdateSnapshot(rotated["snapshot"]);
        set.UpdateTargets(rotated["targets"]);
        Assert.Equal(2, set.Versions["root"]);
        oldKey.Dispose();
    }

    [Fact]
    public void UpdateRoot_SignedOnlyByNewRootKey_IsRejected()
    {
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()["root"], ForgedCollection.Now);
        var oldKey = _collection.RootKey;
        var newKey = TestKey.CreateX509(ForgedCollection.Gun);
        _collection.RoleKeys["root"] = [newKey];
        _collection.Versions["root"] = 2;

        var e = Assert.Throws<UnsignedMetadataException>(() => set.UpdateRoot(_collection.Build()["root"]));

        Assert.Equal("root version 2 is not signed by the keys of trusted root version 1: root has 0 of 1 required valid signatures", e.Message);
        Assert.Equal(1, set.Root.Version);
        oldKey.Dispose();
    }

    [Fact]
    public void UpdateRoot_SignedOnlyByOldRootKey_IsRejected()
    {
        // The new root names a new key that did not sign it: it does not meet its own threshold.
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()["root"], ForgedCollection.Now);
        var oldKey = _collection.RootKey;
        _collection.RoleKeys["root"] = [TestKey.CreateX509(ForgedCollection.Gun)];
        _collection.Signers["root"] = [oldKey];
        _collection.Versions["root"] = 2;

        var e = Assert.Throws<UnsignedMetadataException>(() => set.UpdateRoot(_collection.Build()["root"]));

        Assert.Equal("root has 0 of 1 required valid signatures", e.Message);
        oldKey.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void UpdateRoot_VersionNotNext_IsRejected(long version)
    {
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()["root"], ForgedCollection.Now);
        _collection.Versions["root"] = version;

        var e = Assert.Throws<BadVersionNumberException>(() => set.UpdateRoot(_collection.Build()["root"]));

        Assert.Equal($"root version {version} cannot follow trusted root version 1; expected version 2", e.Message);
    }

    [Fact]
    public void UpdateRoot_ExpiredIntermediateRoot_IsAcceptedButNotAsFinal()
    {
        _collection.Expires["root"] = ForgedCollection.Now.AddDays(-1);
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, _collection.Build()["root"], ForgedCollection.Now);
        _collection.Versions["root"] = 2;
        set.UpdateRoot(_collection.Build()["root"]);
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp(_collection.Build()["timestamp"]));
    }

    [Fact]
    public void UpdateRoot_AfterTimestamp_IsAProgrammingError()
    {
        var files = _collection.Build();
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, files["root"], ForgedCollection.Now);
        set.UpdateTimestamp(files["timestamp"]);
        Assert.Throws<InvalidOperationException>(() => set.UpdateRoot(files["root"]));
    }

    [Fact]
    public void Update_OutOfOrder_IsAProgrammingError()
    {
        var files = _collection.Build();
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, files["root"], ForgedCollection.Now);
        Assert.Throws<InvalidOperationException>(() => set.UpdateSnapshot(files["snapshot"]));
        Assert.Throws<InvalidOperationException>(() => set.UpdateTargets(files["targets"]));
        set.UpdateTimestamp(files["timestamp"]);
        Assert.Throws<InvalidOperationException>(() => set.UpdateTimestamp(files["timestamp"]));
    }

    [Fact]
    public void UpdateDelegatedTargets_ParentMissingOrNotDelegating_Throws()
    {
        _collection.AddDelegation(TufRoles.Releases);
        var files = _collection.Build();
        var set = Loaded(files);
        Assert.Throws<InvalidOperationException>(() => set.UpdateDelegatedTargets(files["targets/releases"], "targets/releases/x"));
        set.UpdateDelegatedTargets(files["targets/releases"], TufRoles.Releases);
        var e = Assert.Throws<TufException>(() => set.UpdateDelegatedTargets(files["targets/releases"], "targets/other"));
        Assert.Equal("targets does not delegate to targets/other", e.Message);
    }

    [Fact]
    public void UpdateDelegatedTargets_SnapshotDoesNotListRole_Throws()
    {
        // Without a snapshot entry there is no hash to pin the role's content to (TUF §5.6.2).
        _collection.AddDelegation(TufRoles.Releases);
        _collection.UnlistedInSnapshot.Add(TufRoles.Releases);
        var files = _collection.Build();
        var set = Loaded(files);
        var e = Assert.Throws<TufException>(() => set.UpdateDelegatedTargets(files["targets/releases"], TufRoles.Releases));
        Assert.Equal("snapshot does not list targets/releases", e.Message);
    }

    private static TrustedMetadataSet Loaded(Dictionary<string, byte[]> files)
    {
        var set = TrustedMetadataSet.LoadTrustedRoot(ForgedCollection.Gun, files["root"], ForgedCollection.Now);
        set.UpdateTimestamp(files["timestamp"]);
        set.UpdateSnapshot(files["snapshot"]);
        set.UpdateTargets(files["targets"]);
        return set;
    }

    [Fact]
    public void Verify_SignatureKeyIdNotMatchingItsKey_FailsTheRole()
    {
        // Notary's VerifySignatures: a listed key whose content hashes to another ID invalidates the role.
        using var key = TestKey.Create();
        var tufKey = TufKey.Create(key.KeyType, key.PublicBytes);
        var files = _collection.Build();
        var targets = MetadataReader.ReadTargets(files["targets"], "targets");
        var signed = targets with { Signatures = [new TufSignature("forged-id", "ecdsa", key.Sign(targets.SignedBytes.ToArray()))] };
        var role = new SigningRole("targets", new Dictionary<string, TufKey> { ["forged-id"] = tufKey }.ToImmutableDictionary(), 1);

        var e = Assert.Throws<UnsignedMetadataException>(() => role.Verify(signed));

        Assert.Equal($"targets is signed with key ID forged-id, but the key listed under that ID has ID {tufKey.Id}", e.Message);
    }

    [Fact]
    public void Verify_OneKeyListedUnderTwoIds_CountsOnce()
    {
        // The same public key as "ecdsa" and as "ecdsa-x509" has two key IDs; it is still one signer.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=twin", ecdsa, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(ForgedCollection.Now.AddDays(-1), ForgedCollection.Now.AddDays(1));
        var bare = TufKey.Create("ecdsa", ecdsa.ExportSubjectPublicKeyInfo());
        var wrapped = TufKey.Create("ecdsa-x509", Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE", certificate.RawData)));
        Assert.NotEqual(bare.Id, wrapped.Id);

        var targets = MetadataReader.ReadTargets(_collection.Build()["targets"], "targets");
        var signature = ecdsa.SignData(targets.SignedBytes.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var signed = targets with { Signatures = [new TufSignature(bare.Id, "ecdsa", signature), new TufSignature(wrapped.Id, "ecdsa", signature)] };
        var keys = new Dictionary<string, TufKey> { [bare.Id] = bare, [wrapped.Id] = wrapped }.ToImmutableDictionary();

        new SigningRole("targets", keys, 1).Verify(signed);
        var e = Assert.Throws<UnsignedMetadataException>(() => new SigningRole("targets", keys, 2).Verify(signed));
        Assert.Equal("targets has 1 of 2 required valid signatures", e.Message);
    }

    [Fact]
    public async Task RecordVersions_OnlyRaisesVersions()
    {
        var store = new InMemoryTrustStateStore();
        var ct = TestContext.Current.CancellationToken;
        var gun = new TrustStateKey(string.Empty, "gun");
        await store.RecordAsync(gun, new Dictionary<string, long> { ["root"] = 2, ["targets"] = 5 }, null, ct);
        await store.RecordAsync(gun, new Dictionary<string, long> { ["root"] = 1, ["targets"] = 7, ["snapshot"] = 1 }, null, ct);
        var versions = (await store.GetAsync(gun, ct)).Versions;
        Assert.Equal(2, versions["root"]);
        Assert.Equal(7, versions["targets"]);
        Assert.Equal(1, versions["snapshot"]);
        Assert.Empty((await store.GetAsync(new TrustStateKey(string.Empty, "other"), ct)).Versions);
    }
}
