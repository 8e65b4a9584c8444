using Verity.Core.Images;
using Verity.Core.Validation;
using Verity.Testing;

namespace Verity.Validators.Tests.NotaryV1;

/// <summary>
/// The notaryv1 validator end to end against the test bed's real notary-server (HTTPS, the bed's CA): the expected
/// verdicts of <c>TESTBED_VERDICTS</c>, the messages users see, and the round trips one validation costs.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotaryV1ValidatorTestbedTests : IDisposable
{
    private readonly NotaryTestHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Gun => Testbed.Current["TESTBED_NOTARY_GUN"];

    private static string NotaryServer => "Notary server " + new Uri(Testbed.Current["TESTBED_NOTARY_URL"]).Authority;

    public void Dispose() => _host.Dispose();

    [Theory]
    [MemberData(nameof(TestbedVerdict.Ids), MemberType = typeof(TestbedVerdict), DisableDiscoveryEnumeration = true)]
    public async Task Validate_TestbedCase_GivesExpectedVerdictAndDigest(string id)
    {
        var verdict = TestbedVerdict.Get(id);
        var options = NotaryTestHost.Rule(verdict.TrustRoot) with { Delegations = verdict.Delegations };

        var outcome = await _host.TestbedValidator().ValidateAsync(verdict.Reference, options, Ct);

        if (verdict.Admit)
        {
            var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
            Assert.Equal(verdict.ResolvedDigest, trusted.Digest?.Value);
        }
        else
        {
            Assert.IsType<ValidationOutcome.Denied>(outcome);
        }

        // Notary v1 needs nothing from the registry: every round trip went to the Notary server.
        Assert.Equal(_host.RequestCount, _host.Count("notary"));
    }

    [Fact]
    public async Task Validate_UnsignedTag_DeniesNamingTheTagTheRoleSearchedAndTheGun()
    {
        var outcome = await _host.TestbedValidator().ValidateAsync(NotaryTestHost.TestbedImage("test/app:unsigned"), NotaryTestHost.Rule(), Ct);

        Assert.Equal(
            $"no signed digest for tag \"unsigned\" in targets/releases of {Gun}",
            Assert.IsType<ValidationOutcome.Denied>(outcome).Reason);
    }

    [Fact]
    public async Task Validate_RetaggedTag_TrustsTheDigestTheTrustDataNamesNotTheRegistrys()
    {
        var outcome = await _host.TestbedValidator().ValidateAsync(NotaryTestHost.TestbedImage("test/app:retagged"), NotaryTestHost.Rule(), Ct);

        var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
        Assert.Equal(Testbed.Current["TESTBED_DIGEST_SIGNED"], trusted.Digest?.Value);
        Assert.NotEqual(Testbed.Current["TESTBED_DIGEST_RETAGGED"], trusted.Digest?.Value);
        Assert.Equal(0, _host.RequestCount - _host.Count("notary"));
    }

    [Fact]
    public async Task Validate_RepositoryWithoutTrustData_DeniesAfterOneRequest()
    {
        var image = NotaryTestHost.TestbedImage("test/never-signed:1.0");

        var outcome = await _host.TestbedValidator().ValidateAsync(image, NotaryTestHost.Rule(), Ct);

        Assert.Equal(
            $"no trust data for GUN \"{image.Name}\" on {NotaryServer}: there is no root.json (the repository is not signed)",
            Assert.IsType<ValidationOutcome.Denied>(outcome).Reason);
        Assert.Equal(1, _host.RequestCount);
    }

    [Theory]
    [InlineData("signed", new string[0], 5)]
    [InlineData("two-delegations", new[] { "releases", "alice" }, 6)]
    [InlineData("multi", new[] { "alice" }, 5)]
    public async Task Validate_SignedTag_FirstCostsTheFourTopLevelRolesPlusTheDelegationsSearchedThenOnlyTheTimestamp(string tag, string[] delegations, int requests)
    {
        var validator = _host.TestbedValidator();
        var image = NotaryTestHost.TestbedImage("test/app:" + tag);

        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(null, delegations), Ct));
        Assert.Equal(requests, _host.RequestCount);
        Assert.Equal(requests, _host.Count("notary"));

        // The verified trust data is kept: the timestamp alone shows that nothing changed.
        _host.ResetCount();
        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(null, delegations), Ct));
        Assert.Equal(1, _host.RequestCount);
    }

    [Fact]
    public async Task Validate_AnotherTagOfTheSameCollection_CostsOnlyTheTimestamp()
    {
        var validator = _host.TestbedValidator();
        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(NotaryTestHost.TestbedImage("test/app:signed"), NotaryTestHost.Rule(), Ct));
        Assert.Equal(5, _host.RequestCount);
        _host.ResetCount();

        var docker = await validator.ValidateAsync(NotaryTestHost.TestbedImage("test/app:docker"), NotaryTestHost.Rule(), Ct);
        Assert.Equal(Testbed.Current["TESTBED_DIGEST_DOCKER"], Assert.IsType<ValidationOutcome.Trusted>(docker).Digest?.Value);
        Assert.Equal(1, _host.RequestCount);

        // A denial from kept trust data costs the same, and reads the same.
        var unsigned = await validator.ValidateAsync(NotaryTestHost.TestbedImage("test/app:unsigned"), NotaryTestHost.Rule(), Ct);
        Assert.Equal($"no signed digest for tag \"unsigned\" in targets/releases of {Gun}", Assert.IsType<ValidationOutcome.Denied>(unsigned).Reason);
        Assert.Equal(2, _host.RequestCount);

        // A delegation not searched before is fetched once, and verified against the kept targets.
        var multi = await validator.ValidateAsync(NotaryTestHost.TestbedImage("test/app:multi"), NotaryTestHost.Rule(null, "alice"), Ct);
        Assert.Equal(Testbed.Current["TESTBED_DIGEST_MULTI"], Assert.IsType<ValidationOutcome.Trusted>(multi).Digest?.Value);
        Assert.Equal(4, _host.RequestCount);
        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(NotaryTestHost.TestbedImage("test/app:multi"), NotaryTestHost.Rule(null, "alice"), Ct));
        Assert.Equal(5, _host.RequestCount);
    }

    [Fact]
    public async Task Validate_OtherTrustRoot_DoesNotReuseTrustDataVerifiedUnderAnother()
    {
        var validator = _host.TestbedValidator();
        var image = NotaryTestHost.TestbedImage("test/app:signed");
        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule("notary-root"), Ct));
        _host.ResetCount();

        var denied = await validator.ValidateAsync(image, NotaryTestHost.Rule("notary-wrong-root"), Ct);

        Assert.Equal("root is not signed by trust root \"notary-wrong-root\"", Assert.IsType<ValidationOutcome.Denied>(denied).Reason);

        // Root, timestamp, snapshot and targets again (kept data would be one request); targets/releases, fetched
        // early when targets arrived, counts too if it finished before the denial cancelled it.
        Assert.InRange(_host.RequestCount, 4, 5);
    }

    [Fact]
    public async Task Validate_AfterTheNotaryClientResigns_FetchesOnlyTheChangedRolesAndTrustsTheNewDigest()
    {
        using var client = await TestbedNotaryClient.InitAsync("resign", Ct);
        var first = Digest.Compute("first image"u8);
        var second = Digest.Compute("second image"u8);
        await client.SignAsync("app", first, Ct);
        var validator = _host.TestbedValidator();
        var image = ImageReference.Parse(client.Gun + ":app");

        Assert.Equal(first, Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(), Ct)).Digest);
        Assert.Equal(4, _host.RequestCount);

        // The real client re-signs the tag: new targets, snapshot and timestamp; root is unchanged and not fetched.
        await client.SignAsync("app", second, Ct);
        _host.ResetCount();
        Assert.Equal(second, Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(), Ct)).Digest);
        Assert.Equal(3, _host.RequestCount);

        _host.ResetCount();
        Assert.Equal(second, Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(), Ct)).Digest);
        Assert.Equal(1, _host.RequestCount);
    }

    [Fact]
    public async Task Validate_AfterTheNotaryClientRotatesTheRootKey_UpdatesRootFromTheKeptOneWithoutRefetchingTargets()
    {
        using var client = await TestbedNotaryClient.InitAsync("rotate", Ct);
        var digest = Digest.Compute("rotated image"u8);
        await client.SignAsync("app", digest, Ct);
        var validator = _host.TestbedValidator();
        var image = ImageReference.Parse(client.Gun + ":app");
        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(), Ct));

        // Root version 2 names a new root key and is signed by it and by the pinned (old) one; the snapshot lists
        // its new hashes, so timestamp, snapshot and root are fetched, and the unchanged targets is kept.
        await client.RotateRootKeyAsync(Ct);
        _host.ResetCount();

        Assert.Equal(digest, Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule(), Ct)).Digest);
        Assert.Equal(3, _host.RequestCount);
    }

    [Fact]
    public async Task Validate_TrustRootStar_RequiresEveryPinnedKeyToHaveSignedRoot()
    {
        var validator = _host.TestbedValidator();
        var image = NotaryTestHost.TestbedImage("test/app:signed");

        Assert.IsType<ValidationOutcome.Trusted>(await validator.ValidateAsync(image, NotaryTestHost.Rule("notary-root"), Ct));
        var denied = Assert.IsType<ValidationOutcome.Denied>(await validator.ValidateAsync(image, NotaryTestHost.Rule("*"), Ct));
        Assert.Equal("root is not signed by trust root \"notary-wrong-root\"", denied.Reason);
    }

    [Fact]
    public async Task Validate_ServerCertificateNotTrusted_FailsClosedNamingServerAndGun()
    {
        var validator = _host.TestbedValidator(trustCa: false);

        var e = await Assert.ThrowsAsync<ValidationException>(
            async () => await validator.ValidateAsync(NotaryTestHost.TestbedImage("test/app:signed"), NotaryTestHost.Rule(), Ct));

        Assert.StartsWith($"root.json of GUN \"{Gun}\": could not reach {NotaryServer}: TLS handshake refused: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, _host.RequestCount);
    }
}
