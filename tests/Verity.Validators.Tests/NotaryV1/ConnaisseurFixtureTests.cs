using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// Connaisseur's Notary v1 test data, replayed with the verdicts Connaisseur's own tests expect
/// (<c>internal/validator/notaryv1/notaryv1_validator_test.go</c> <c>TestValidateImage</c>, and
/// <c>notaryserver/repo_test.go</c>).
/// </summary>
/// <remarks>
/// Several fixture repositories were edited by hand after their snapshot was made: their snapshots list
/// stale lengths (e.g. root: 2420 listed, 2540 served) next to correct hashes. Connaisseur (Notary's
/// <c>CheckHashes</c>) ignores lengths; Verity compares them by default. The Connaisseur table therefore
/// runs with <see cref="TufVerificationOptions.CompareListedLengths"/> off, and
/// <see cref="Verify_FixtureWithStaleListedLength_DeniedByDefault"/> records the deliberate difference.
/// </remarks>
public sealed class ConnaisseurFixtureTests
{
    private const string SignDigest = "sha256:a154797b8300165956ee1f16d98f3a1426301c1168f0462c73ce9bc03361cabf";
    private const string V1Digest = "sha256:799c0fa8aa4c9fbff5a99aef1b4b5c3abb9c2f34134345005982fad3489893c7";

    // repo_test.go TestValidateRoot case 1: the key that signs sample-image's and alice-image's root.
    private const string SampleImageRootKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtR5kwrDK22SyCu7WMF8tCjVgeORA
        S2PWacRcBN/VQdVK4PVk1w4pMWlz9AHQthDGl+W2k3elHkPbR+gNkK2PCA==
        -----END PUBLIC KEY-----
        """;

    // repo_test.go TestValidateRoot case 2: a key that signs nothing here.
    private const string UnrelatedKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvtc/qpHtx7iUUj+rRHR99a8mnGni
        qiGkmUb9YpWWTS4YwlvwdmMDiGzcsHiDOYz6f88u2hCRF5GUCvyiZAKrsA==
        -----END PUBLIC KEY-----
        """;

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    // Connaisseur's fixture roots are not bound to the GUNs its tests use (their certificates name securesystems.de, or
    // docker.io/phbelitz/… where the tests ask for docker.io/library/…): Connaisseur does not check the binding, Verity
    // does (Notary's client's rule), so replaying Connaisseur's verdicts needs the binding off.
    private static readonly TufVerificationOptions ConnaisseurCompatible = new() { CompareListedLengths = false, AllowRootCertificateForOtherCollectionUnsafe = true };

    private static readonly TufVerificationOptions StrictButUnbound = TufVerificationOptions.Default with { AllowRootCertificateForOtherCollectionUnsafe = true };

    /// <summary>TestValidateImage, case by case (case 6, an unknown trust-root name, and case 16, a DER key in the
    /// configuration, are decided by the configuration loader before any trust data is read).</summary>
    [Theory]
    [InlineData("01-tag-sign", "never-expire-image", "sign", null, "", SignDigest, null)]
    [InlineData("02-tag-v1", "never-expire-image", "v1", null, "", V1Digest, null)]
    [InlineData("03-edge-case-unsigned-releases-falls-back-to-targets", "edge-case-image", "sign", null, "", SignDigest, null)]
    [InlineData("04-edge-case-releases-listed-in-snapshot-but-missing", "edge-case-err-image", "sign", null, "", null, "lists targets/releases, but the server has no trust data for it")]
    [InlineData("07-no-trust-data", "non-existant", "image", null, "", null, "no trust data for GUN \"docker.io/library/non-existant\"")]
    [InlineData("08-required-delegation-but-none-exist", "never-expire-image", "sign", null, "targets/missing", null, "has no delegations, but the rule requires targets/missing")]
    [InlineData("09-delegation-by-tag", "never-expire-with-delegations-image", "sign", null, "targets/del1", SignDigest, null)]
    [InlineData("10-delegation-by-digest", "never-expire-with-delegations-image", null, SignDigest, "targets/del1", SignDigest, null)]
    [InlineData("11-second-delegation-did-not-sign", "never-expire-with-delegations-image", "sign", null, "targets/del1,targets/del2", null, "no signed digest for tag \"sign\" in targets/del2 of docker.io/library/never-expire-with-delegations-image")]
    [InlineData("12-required-delegation-but-none-exist", "never-expire-image", "sign", null, "targets/del1", null, "has no delegations")]
    [InlineData("13-conflicting-delegations", "never-expire-with-conflicting-delegations-image", "sign", null, "targets/del1,targets/del2", null, "delegations targets/del1 and targets/del2 disagree: sha256:")]
    [InlineData("14-tag-and-matching-digest", "never-expire-with-delegations-image", "sign", SignDigest, "targets/del1", SignDigest, null)]
    [InlineData("15-tag-and-other-digest", "never-expire-with-delegations-image", "v1", SignDigest, "targets/del2", null, $"tag \"v1\" is signed for {V1Digest} in targets/del2 of docker.io/library/never-expire-with-delegations-image, not for the requested {SignDigest}")]
    [InlineData("default-delegation-releases", "never-expire-with-delegations-image", "sign", null, "", SignDigest, null)]
    [InlineData("default-delegation-releases-lacks-tag", "never-expire-with-delegations-image", "v1", null, "", null, "no signed digest for tag \"v1\" in targets/releases of docker.io/library/never-expire-with-delegations-image")]
    [InlineData("unsigned-tag", "never-expire-image", "unsigned", null, "", null, "no signed digest for tag \"unsigned\" in targets of docker.io/library/never-expire-image")]
    [InlineData("unknown-delegation", "never-expire-with-delegations-image", "sign", null, "targets/delll", null, "delegation targets/delll does not exist")]
    [InlineData("err-image-roles-swapped", "err-image", "sign", null, "", null, "root has _type \"Snapshot\", expected \"Root\"")]
    public async Task Verify_ConnaisseurTestValidateImageCase_GivesConnaisseursVerdict(
        string id, string repository, string? tag, string? digest, string delegations, string? expectedDigest, string? expectedReason)
    {
        _ = id;
        var outcome = await Verify(repository, tag, digest, delegations, ConnaisseurTrustData.NeverExpireKey, ConnaisseurCompatible);
        AssertOutcome(outcome, expectedDigest, expectedReason);
    }

    [Fact]
    public async Task Verify_Ed25519TrustRootThatDidNotSign_Denies()
    {
        // TestValidateImage case 5: Connaisseur fails because it cannot use ed25519 keys; Verity can, but this key
        // did not sign the root, so the verdict is the same.
        var key = ConnaisseurTrustData.TrustRoot("10_unknown_keys.yaml", "ed25519");
        Assert.Equal(KeyAlgorithm.Ed25519, key.Key.Algorithm);
        var outcome = await Verify("never-expire-image", "sign", null, "", key, ConnaisseurCompatible);
        AssertOutcome(outcome, null, "root is not signed by trust root \"ed25519\"");
    }

    [Fact]
    public async Task Verify_EdgeCase_DoesNotFetchTheDelegationTheSnapshotDoesNotList()
    {
        // targets/releases is declared but not published: like Notary's client, Verity does not ask for it.
        var requested = new List<string>();
        var verifier = Verifier(ConnaisseurCompatible);
        var outcome = await verifier.VerifyAsync(Request("edge-case-image", "sign", null, "", ConnaisseurTrustData.NeverExpireKey),
            ConnaisseurTrustData.Fetcher("edge-case-image", requested: requested), TestContext.Current.CancellationToken);
        AssertOutcome(outcome, SignDigest, null);
        Assert.Equal(["root", "snapshot", "targets", "timestamp"], requested.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Verify_RequiredDelegationNeverSigned_DeniesInsteadOfFallingBackToTargets()
    {
        // Deliberate difference: Connaisseur also falls back to targets when a rule names the missing delegation.
        var outcome = await Verify("edge-case-image", "sign", null, "targets/del1", ConnaisseurTrustData.NeverExpireKey, ConnaisseurCompatible);
        AssertOutcome(outcome, null, "targets/del1 of \"docker.io/library/edge-case-image\" has no trust data: it was never signed");
    }

    [Theory]
    [InlineData("never-expire-image", "root is 2540 bytes long, but snapshot lists 2420")]
    [InlineData("never-expire-with-delegations-image", "root is 2540 bytes long, but snapshot lists 2420")]
    [InlineData("edge-case-image", "snapshot is 683 bytes long, but timestamp lists 1278")]
    public async Task Verify_FixtureWithStaleListedLength_DeniedByDefault(string repository, string reason)
    {
        var outcome = await Verify(repository, "sign", null, "", ConnaisseurTrustData.NeverExpireKey, StrictButUnbound);
        AssertOutcome(outcome, null, reason);
    }

    [Theory]
    [InlineData("never-expire-image", "a certificate for \"securesystems.de\"")]
    [InlineData("sample-image", "a certificate for \"docker.io/phbelitz/sample-image\"")]
    public async Task Verify_GunSwap_FixtureRootIssuedForAnotherCollection_IsDenied(string repository, string names)
    {
        // The fixtures' roots name another collection than the one asked for: Notary's client refuses them, so does Verity.
        var key = repository == "sample-image" ? new PublicKeyTrustRoot("phbelitz", VerificationKey.Parse(SampleImageRootKey)) : ConnaisseurTrustData.NeverExpireKey;
        var outcome = await Verify(repository, "sign", null, "", key, TufVerificationOptions.Default, new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero));
        AssertOutcome(outcome, null, $"root of \"docker.io/library/{repository}\" has no root certificate issued for \"docker.io/library/{repository}\" (its root keys: {names})");
    }

    [Theory]
    [InlineData("sample-image", "sign", "", SignDigest)]
    [InlineData("sample-image", "v1", "", V1Digest)]
    [InlineData("alice-image", "test", "", "sha256:ac904c9b191d14faf54b7952f2650a4bb21c201bf34131388b851e8ce992a652")]
    [InlineData("alice-image", "test", "targets/phbelitz,targets/chamsen", "sha256:ac904c9b191d14faf54b7952f2650a4bb21c201bf34131388b851e8ce992a652")]
    public async Task Verify_ExpiredRepositoryBeforeItExpired_Trusts(string repository, string tag, string delegations, string digest)
    {
        // alice-image and sample-image expired in 2019; as of mid-2019 they verify completely (lengths included).
        var key = new PublicKeyTrustRoot("phbelitz", VerificationKey.Parse(SampleImageRootKey));
        var outcome = await Verify(repository, tag, null, delegations, key, StrictButUnbound, new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero));
        AssertOutcome(outcome, digest, null);
    }

    [Theory]
    [InlineData("sample-image", "timestamp of \"docker.io/library/sample-image\" expired at 2019-11-11T08:00:05Z")]
    [InlineData("alice-image", "timestamp of \"docker.io/library/alice-image\" expired at 2019-10-24T09:43:18Z")]
    public async Task Verify_ExpiredRepository_Denies(string repository, string reason)
    {
        var key = new PublicKeyTrustRoot("phbelitz", VerificationKey.Parse(SampleImageRootKey));
        var outcome = await Verify(repository, "sign", null, "", key, StrictButUnbound);
        AssertOutcome(outcome, null, reason);
    }

    [Fact]
    public void Remarshal_SampleImage_ServesTheBytesConnaisseursMockServes()
    {
        // repo_test.go TestDownloadBaseTrustData: sha256 of what the mock serves for sample-image.
        var expected = new Dictionary<string, string>
        {
            ["root"] = "76d25d66f45387cce5ac088489a9bf0ac27554da9789098e6c8fdb00856612f7",
            ["targets"] = "e122a90e80a92c98ff7368d3e90f4c0f23e44df642737e5fede68578b85918c9",
            ["snapshot"] = "aa5ae7b7646bc4ecd5c80efaf066ff024293039fd2e52793fc8e5ca828c691c9",
            ["timestamp"] = "c9d08b57b39768cde9b30ea7bd73398eac0cafb66080bb301866c3f48565a140",
        };
        foreach (var (role, sha256) in expected)
        {
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(ConnaisseurTrustData.Served("sample-image", role + ".json"))));
        }
    }

    // repo_test.go TestValidateRoot.
    [Theory]
    [InlineData("01-sample-root", "sample-image/root.json", "sample", null)]
    [InlineData("02-other-key", "sample-image/root.json", "unrelated", "root is not signed by trust root \"unrelated\"")]
    [InlineData("04-two-pinned-keys", "07_root_multiple_signatures.json", "never,targets", null)]
    [InlineData("05-two-pinned-keys-reversed", "07_root_multiple_signatures.json", "targets,never", null)]
    [InlineData("06-never-expire-root", "never-expire-image/root.json", "never", null)]
    [InlineData("07-no-signatures", "06_no_signature_root.json", "never", "root has no signatures")]
    [InlineData("one-of-two-pinned-keys-did-not-sign", "never-expire-image/root.json", "never,targets", "root is not signed by trust root \"targets\"")]
    public void LoadPinnedRoot_ConnaisseurTestValidateRootCase_GivesConnaisseursVerdict(string id, string file, string keys, string? reason)
    {
        _ = id;
        var pinned = keys.Split(',').Select(k => k switch
        {
            "sample" => new PublicKeyTrustRoot(k, VerificationKey.Parse(SampleImageRootKey)),
            "unrelated" => new PublicKeyTrustRoot(k, VerificationKey.Parse(UnrelatedKey)),
            "never" => ConnaisseurTrustData.NeverExpireKey,
            "targets" => new PublicKeyTrustRoot(k, VerificationKey.Parse(File.ReadAllText(ConnaisseurTrustData.TrustDataPath("keys", "targets.pub")))),
            _ => throw new ArgumentException(k),
        }).ToList();
        var bytes = ConnaisseurTrustData.Served(file.Split('/'));
        if (reason is null)
        {
            var set = TrustedMetadataSet.LoadPinnedRoot("docker.io/library/x", bytes, pinned, Now, options: StrictButUnbound);
            Assert.Equal(1, set.Root.Version);
        }
        else
        {
            var e = Assert.Throws<UnsignedMetadataException>(() => TrustedMetadataSet.LoadPinnedRoot("docker.io/library/x", bytes, pinned, Now, options: StrictButUnbound));
            Assert.Equal(reason, e.Message);
        }
    }

    [Fact]
    public void LoadPinnedRoot_ExpiredRoot_IsRefusedBeforeTheTimestamp()
    {
        // repo_test.go TestValidateRoot case 3: 01_expired_root.json expired in 1990.
        var set = TrustedMetadataSet.LoadPinnedRoot(
            "docker.io/library/x", ConnaisseurTrustData.Served("01_expired_root.json"), [ConnaisseurTrustData.NeverExpireKey], Now, options: StrictButUnbound);
        var e = Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp(ConnaisseurTrustData.Served("never-expire-image", "timestamp.json")));
        Assert.StartsWith("root of \"docker.io/library/x\" expired at 1990-01-01T12:12:13Z", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("02-invalid-targets-signature", "targets", "02_invalid_signature_targets.json")]
    [InlineData("03-expired-snapshot", "snapshot", "03_expired_snapshot.json")]
    [InlineData("04-invalid-delegation-signature", "targets/del1", "04_invalid_signature_delegation.json")]
    [InlineData("05-expired-delegation", "targets/del1", "05_expired_delegation.json")]
    public async Task Verify_CorruptedRoleInPlaceOfGoodOne_Denies(string id, string role, string file)
    {
        _ = id;
        var verifier = Verifier(ConnaisseurCompatible);
        var outcome = await verifier.VerifyAsync(
            Request("never-expire-with-delegations-image", "sign", null, "targets/del1", ConnaisseurTrustData.NeverExpireKey),
            ConnaisseurTrustData.Fetcher("never-expire-with-delegations-image", new Dictionary<string, string> { [role] = file }),
            TestContext.Current.CancellationToken);

        // The replaced file no longer matches the hash the snapshot (or timestamp) lists for it, which is checked first.
        var denied = Assert.IsType<ValidationOutcome.Denied>(outcome);
        Assert.Contains($"{role} does not match the sha", denied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_InvalidTargetsSignature_FailsTheThreshold()
    {
        // repo_test.go TestValidateRestOfBase case 2, at the signature step itself.
        var root = MetadataReader.ReadRoot(ConnaisseurTrustData.Served("never-expire-image", "root.json"));
        root.RoleFor("targets").Verify(MetadataReader.ReadTargets(ConnaisseurTrustData.Served("never-expire-image", "targets.json"), "targets"));
        var corrupt = MetadataReader.ReadTargets(ConnaisseurTrustData.Served("02_invalid_signature_targets.json"), "targets");
        var e = Assert.Throws<UnsignedMetadataException>(() => root.RoleFor("targets").Verify(corrupt));
        Assert.Equal("targets has 0 of 1 required valid signatures", e.Message);
    }

    [Fact]
    public void Verify_InvalidDelegationSignature_FailsTheThreshold()
    {
        // repo_test.go TestValidateDelegation, 04_invalid_signature_delegation.json as targets/del1.
        var targets = MetadataReader.ReadTargets(ConnaisseurTrustData.Served("never-expire-with-delegations-image", "targets.json"), "targets");
        var del1 = targets.Delegations.RoleFor(targets.Delegations.Find("targets/del1")!);
        del1.Verify(MetadataReader.ReadTargets(ConnaisseurTrustData.Served("never-expire-with-delegations-image", "targets", "del1.json"), "targets/del1"));
        var corrupt = MetadataReader.ReadTargets(ConnaisseurTrustData.Served("04_invalid_signature_delegation.json"), "targets/del1");
        Assert.Throws<UnsignedMetadataException>(() => del1.Verify(corrupt));
    }

    [Theory]
    [InlineData("03_expired_snapshot.json", "snapshot")]
    [InlineData("05_expired_delegation.json", "targets/del1")]
    public void Read_ExpiredFixture_IsValidlySignedButExpired(string file, string role)
    {
        // repo_test.go: 03 and 05 differ from the good files only in expiry, and are re-signed.
        var root = MetadataReader.ReadRoot(ConnaisseurTrustData.Served("never-expire-image", "root.json"));
        TufMetadata metadata;
        if (role == "snapshot")
        {
            metadata = MetadataReader.ReadSnapshot(ConnaisseurTrustData.Served(file));
            root.RoleFor("snapshot").Verify(metadata);
        }
        else
        {
            var targets = MetadataReader.ReadTargets(ConnaisseurTrustData.Served("never-expire-with-delegations-image", "targets.json"), "targets");
            metadata = MetadataReader.ReadTargets(ConnaisseurTrustData.Served(file), role);
            targets.Delegations.RoleFor(targets.Delegations.Find(role)!).Verify(metadata);
        }

        Assert.True(metadata.IsExpired(Now));
    }

    [Fact]
    public void ReadRoot_ErrImage_NotJson_IsMalformed()
    {
        Assert.Throws<MalformedMetadataException>(() => MetadataReader.ReadRoot(ConnaisseurTrustData.Served("err-image", "invalid.json")));
    }

    internal static NotaryTrustVerifier Verifier(TufVerificationOptions options, DateTimeOffset? now = null) =>
        new(new InMemoryTrustStateStore(), new FakeTimeProvider(now ?? Now), options);

    private static NotaryTrustRequest Request(string repository, string? tag, string? digest, string delegations, PublicKeyTrustRoot key) => new()
    {
        Gun = "docker.io/library/" + repository,
        TrustRoots = [key],
        Tag = tag,
        Digest = digest is null ? null : Digest.Parse(digest),
        Delegations = delegations.Length == 0 ? [] : [.. delegations.Split(',')],
    };

    private static async Task<ValidationOutcome> Verify(
        string repository, string? tag, string? digest, string delegations, PublicKeyTrustRoot key, TufVerificationOptions options, DateTimeOffset? now = null)
    {
        return await Verifier(options, now).VerifyAsync(
            Request(repository, tag, digest, delegations, key), ConnaisseurTrustData.Fetcher(repository), TestContext.Current.CancellationToken);
    }

    internal static void AssertOutcome(ValidationOutcome outcome, string? expectedDigest, string? expectedReason)
    {
        if (expectedDigest is not null)
        {
            var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
            Assert.Equal(expectedDigest, trusted.Digest?.Value);
        }
        else
        {
            var denied = Assert.IsType<ValidationOutcome.Denied>(outcome);
            Assert.Contains(expectedReason!, denied.Reason, StringComparison.Ordinal);
        }
    }
}
