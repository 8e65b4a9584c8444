using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Testing;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// Trust data made by the real <c>notary</c> client and served by the real Notary server of the test bed
/// (<c>TESTBED_NOTARY_TUF_DIR</c>, saved as served), checked against the test bed's expected verdicts
/// (<c>TESTBED_VERDICTS</c>, entries with <c>verifier: notaryv1</c>). The data is re-made whenever the test
/// bed restarts, so nothing here is hard-coded.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TestbedNotaryTests
{
    [Theory]
    [MemberData(nameof(TestbedVerdict.Ids), MemberType = typeof(TestbedVerdict), DisableDiscoveryEnumeration = true)]
    public async Task Verify_TestbedCase_GivesExpectedVerdict(string id)
    {
        var verdict = TestbedVerdict.Get(id);
        var image = verdict.Reference;
        var plain = image.Repository == Testbed.Current["TESTBED_REPO_PLAIN"];
        var request = new NotaryTrustRequest
        {
            Gun = Testbed.Current[plain ? "TESTBED_NOTARY_GUN_PLAIN" : "TESTBED_NOTARY_GUN"],
            TrustRoots = [TrustRoot(verdict.TrustRoot)],
            Tag = image.Tag,
            Digest = image.Digest,
            Delegations = verdict.Delegations,
        };
        var verifier = new NotaryTrustVerifier(new InMemoryTrustStateStore(), TimeProvider.System);

        var outcome = await verifier.VerifyAsync(request, Fetcher(plain), TestContext.Current.CancellationToken);

        if (verdict.Admit)
        {
            var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
            Assert.Equal(verdict.ResolvedDigest, trusted.Digest?.Value);
        }
        else
        {
            Assert.IsType<ValidationOutcome.Denied>(outcome);
        }
    }

    [Fact]
    public async Task Verify_RealTagWithDigest_TrustsOnlyTheSignedDigest()
    {
        var verifier = new NotaryTrustVerifier(new InMemoryTrustStateStore(), TimeProvider.System);
        NotaryTrustRequest Request(string digest) => new()
        {
            Gun = Testbed.Current["TESTBED_NOTARY_GUN"],
            TrustRoots = [TrustRoot("notary-root")],
            Tag = "retagged",
            Digest = Digest.Parse(digest),
        };

        var signed = await verifier.VerifyAsync(Request(Testbed.Current["TESTBED_DIGEST_SIGNED"]), Fetcher(plain: false), TestContext.Current.CancellationToken);
        Assert.Equal(Testbed.Current["TESTBED_DIGEST_SIGNED"], Assert.IsType<ValidationOutcome.Trusted>(signed).Digest?.Value);

        // The registry's tag points at the unsigned image; the trust data does not.
        var retagged = await verifier.VerifyAsync(Request(Testbed.Current["TESTBED_DIGEST_RETAGGED"]), Fetcher(plain: false), TestContext.Current.CancellationToken);
        Assert.Equal(
            $"tag \"retagged\" is signed for {Testbed.Current["TESTBED_DIGEST_SIGNED"]} in targets/releases of {Testbed.Current["TESTBED_NOTARY_GUN"]}, not for the requested {Testbed.Current["TESTBED_DIGEST_RETAGGED"]}",
            Assert.IsType<ValidationOutcome.Denied>(retagged).Reason);
    }

    [Fact]
    public void ComputeId_RealRootCertificateAndKey_MatchNotarysKeyIds()
    {
        var root = MetadataReader.ReadRoot(File.ReadAllBytes(Path.Combine(Testbed.Current["TESTBED_NOTARY_TUF_DIR"], "root.json")));
        var rootKeyId = Assert.Single(root.Roles["root"].KeyIds);
        Assert.Equal(Testbed.Current["TESTBED_NOTARY_ROOT_KEYID"], rootKeyId);
        Assert.Equal(rootKeyId, root.Keys[rootKeyId].Id);
        Assert.Equal("ecdsa-x509", root.Keys[rootKeyId].KeyType);

        // Notary's "canonical" root key ID names the bare public key inside the certificate.
        var pinned = VerificationKey.Parse(Testbed.Current.ReadFile("TESTBED_NOTARY_ROOT_PUB_PEM"));
        Assert.Equal(pinned, root.Keys[rootKeyId].Key);
        Assert.Equal(Testbed.Current["TESTBED_NOTARY_ROOT_KEYID_CANONICAL"], TufKey.ComputeId("ecdsa", pinned.SubjectPublicKeyInfo));

        var plain = MetadataReader.ReadRoot(File.ReadAllBytes(Path.Combine(Testbed.Current["TESTBED_NOTARY_TUF_DIR_PLAIN"], "root.json")));
        Assert.Equal(Testbed.Current["TESTBED_NOTARY_ROOT_KEYID_PLAIN"], Assert.Single(plain.Roles["root"].KeyIds));
    }

    [Fact]
    public void Load_RealCollection_EveryRoleVerifiesWithExactLengths()
    {
        var directory = Testbed.Current["TESTBED_NOTARY_TUF_DIR"];
        byte[] Read(string name) => File.ReadAllBytes(Path.Combine(directory, name));
        var set = TrustedMetadataSet.LoadPinnedRoot(
            Testbed.Current["TESTBED_NOTARY_GUN"], Read("root.json"), [TrustRoot("notary-root")], TimeProvider.System.GetUtcNow());
        set.UpdateTimestamp(Read("timestamp.json"));
        set.UpdateSnapshot(Read("snapshot.json"));
        var targets = set.UpdateTargets(Read("targets.json"));
        foreach (var delegation in targets.Delegations.Roles)
        {
            set.UpdateDelegatedTargets(Read(delegation.Name.Replace('/', '_') + ".json"), delegation.Name);
            Assert.True(set.Permits(delegation.Name, "anything"));
        }

        Assert.Contains("targets/releases", set.Versions.Keys);
        Assert.Contains("targets/alice", set.Versions.Keys);
    }

    private static PublicKeyTrustRoot TrustRoot(string name) => TestbedVerdict.TrustRootNamed(name);

    private static NotaryRoleFetcher Fetcher(bool plain)
    {
        var directory = Testbed.Current[plain ? "TESTBED_NOTARY_TUF_DIR_PLAIN" : "TESTBED_NOTARY_TUF_DIR"];
        return (role, _, _) =>
        {
            var path = Path.Combine(directory, role.Replace('/', '_') + ".json");
            return ValueTask.FromResult(File.Exists(path) ? File.ReadAllBytes(path) : null);
        };
    }
}
