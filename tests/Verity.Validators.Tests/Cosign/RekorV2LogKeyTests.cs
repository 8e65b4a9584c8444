using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Testing.Notation;
using Verity.Testing.Registry;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.TrustedRoot;
using Verity.Validators.Tests.Cosign.Rekor;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Rekor v2 entries signed by the log key kinds Rekor v2 uses (Ed25519 in production, and RSA PKCS#1 v1.5 over SHA-256), with
/// checkpoint key IDs as C2SP signed-note and rekor-tiles define them, read from a v0.2 trusted root (<c>checkpointKeyId</c>,
/// <c>operator</c>), through the whole validator: registry, bundle referrer, verification. Witness cosignatures on the checkpoint
/// are ignored, never counted for the log.
/// </summary>
public sealed class RekorV2LogKeyTests : IAsyncLifetime
{
    private const string Repo = "acme/app";
    private const string Workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";

    private static readonly CosignRuleOptions Keyless = new() { TrustRoot = "acme" };

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);
    private readonly TestSigstore _sigstore = new();
    private readonly TestTimestampAuthority _tsa = new();
    private FakeRegistry _registry = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset SignedAt => TestSigstore.Epoch.AddMinutes(-30);

    public async ValueTask InitializeAsync()
    {
        _registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate, ReferrersApi = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _host.Dispose();
        _sigstore.Dispose();
        _tsa.Dispose();
        _pki.Dispose();
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    public async Task RekorV2Entry_LogKeyOfThisKind_Trusted(string kind)
    {
        using var log = new TestRekorV2Log(kind);
        var image = PushSigned(log, body => log.Log(body));

        var outcome = await ValidateAsync(RootJson(log.TrustedRootJson()));

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    public async Task RekorV2Entry_CheckpointCosignedByWitnesses_Trusted(string kind)
    {
        using var log = new TestRekorV2Log(kind);
        var image = PushSigned(log, body => log.Log(body, witnesses: [new TestWitness("witness.verity.test/w1"), new TestWitness("witness.verity.test/w2")]));

        var outcome = await ValidateAsync(RootJson(log.TrustedRootJson()));

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    [Theory]
    [InlineData("ed25519", 4)]
    [InlineData("ed25519", 32)]
    [InlineData("rsa", 4)]
    public async Task RekorV2Entry_V02RootWithCheckpointKeyId_TrustedWithThatKeyId(string kind, int length)
    {
        // A 4-byte key ID, or the 32-byte hash it is cut from (the value Rekor v2 roots give both logId and checkpointKeyId).
        using var log = new TestRekorV2Log(kind);
        var image = PushSigned(log, body => log.Log(body));

        var outcome = await ValidateAsync(RootJson(log.TrustedRootJson(checkpointKeyId: log.LogId[..length], @operator: "verity.test")));

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task RekorV2Entry_CheckpointKeyIdOfTheRootNotTheCheckpoints_Denied()
    {
        using var log = new TestRekorV2Log("ed25519");
        PushSigned(log, body => log.Log(body));

        var reason = Outcome.Denied(await ValidateAsync(RootJson(log.TrustedRootJson(checkpointKeyId: [0xC0, 0xFF, 0xEE, 0x01]))));

        Assert.Contains($"its checkpoint is not signed by the key of log https://{log.Host} under the name {log.Host}: no signature line has the name {log.Host} and key ID c0ffee01 (1 line is by other signers)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RekorV2Entry_CheckpointSignedWithTheRootsCheckpointKeyId_Trusted()
    {
        // The root's checkpointKeyId is the log's key ID even where it is not the computed one; the signature still has to verify.
        using var log = new TestRekorV2Log("ed25519");
        byte[] keyId = [0xC0, 0xFF, 0xEE, 0x01];
        var image = PushSigned(log, body => log.Log(body, keyId: keyId));

        var outcome = await ValidateAsync(RootJson(log.TrustedRootJson(checkpointKeyId: keyId)));

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    public async Task TamperedCheckpoint_RootHashReplacedAfterSigning_Denied(string kind)
    {
        using var log = new TestRekorV2Log(kind);
        var other = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        PushSigned(log, body => log.Log(body, tamper: text => string.Join('\n', text.Split('\n').Select((line, i) => i == 2 ? other : line))));

        var reason = Outcome.Denied(await ValidateAsync(RootJson(log.TrustedRootJson())));

        Assert.Contains($"its checkpoint is not signed by the key of log https://{log.Host} under the name {log.Host}: the signature line under the name {log.Host} with key ID {Convert.ToHexStringLower(log.Key.KeyId(log.Host))} does not verify", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    public async Task CheckpointSignedByAnotherLogKey_Denied(string kind)
    {
        using var log = new TestRekorV2Log(kind);
        using var wrong = TestLogKey.Create(kind);
        PushSigned(log, body => log.Log(body, signer: wrong));

        var reason = Outcome.Denied(await ValidateAsync(RootJson(log.TrustedRootJson())));

        Assert.Contains($"no signature line has the name {log.Host} and key ID {Convert.ToHexStringLower(log.Key.KeyId(log.Host))}", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    public async Task CheckpointSignedByAnotherKeyClaimingTheLogsKeyId_Denied(string kind)
    {
        using var log = new TestRekorV2Log(kind);
        using var wrong = TestLogKey.Create(kind);
        PushSigned(log, body => log.Log(body, signer: wrong, keyId: log.Key.KeyId(log.Host)));

        var reason = Outcome.Denied(await ValidateAsync(RootJson(log.TrustedRootJson())));

        Assert.Contains($"with key ID {Convert.ToHexStringLower(log.Key.KeyId(log.Host))} does not verify", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    public async Task InclusionProofForAnotherLeaf_Denied(string kind)
    {
        // The checkpoint is genuine, but the tree it commits to holds another entry where the proof says this one is.
        using var log = new TestRekorV2Log(kind);
        PushSigned(log, body => log.Log(body, leafInTree: [.. body, (byte)' ']));

        var reason = Outcome.Denied(await ValidateAsync(RootJson(log.TrustedRootJson())));

        Assert.Contains("its inclusion proof does not verify", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointSignedByAWitnessNotTheLog_Denied()
    {
        using var log = new TestRekorV2Log("ed25519");
        PushSigned(log, body => log.Log(body, witnesses: [new TestWitness("witness.verity.test/w1")], logSigns: false));

        var reason = Outcome.Denied(await ValidateAsync(RootJson(log.TrustedRootJson())));

        Assert.Contains($"no signature line has the name {log.Host} and key ID {Convert.ToHexStringLower(log.Key.KeyId(log.Host))} (1 line is by other signers)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RekorV2Entry_V01RootOfTheSameLog_StillTrusted()
    {
        using var log = new TestRekorV2Log("ed25519");
        var image = PushSigned(log, body => log.Log(body));

        var outcome = await ValidateAsync(RootJson(log.TrustedRootJson(), "application/vnd.dev.sigstore.trustedroot+json;version=0.1"));

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    /// <summary>Pushes an image and, as its referrer, a keyless DSSE bundle logged as a Rekor v2 <c>dsse</c> 0.0.2 entry by <paramref name="logBody"/>.</summary>
    private Digest PushSigned(TestRekorV2Log log, Func<byte[], LoggedEntry> logBody)
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "app " + log.Key.Kind, "v1"));
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, SignedAt.AddSeconds(-5));
        using (key)
        {
            var statement = TestSigstore.Statement(image, "https://sigstore.dev/cosign/sign/v1");
            var signature = TestSigstore.Sign(key, TestSigstore.Pae("application/vnd.in-toto+json", statement));
            var entry = logBody(TestSigstore.DsseV2Body(statement, signature, leaf));
            var bundle = TestSigstore.BundleJson(
                leaf,
                TestSigstore.DsseEnvelopeJson("application/vnd.in-toto+json", statement, signature),
                [TestSigstore.TlogEntryJson(entry, "dsse", "0.0.2", promise: false)],
                [_tsa.Stamp(signature, SignedAt)]);
            CosignPush.Referrer(_registry, Repo, image, bundle);
        }

        return image;
    }

    private async Task<Verity.Core.Validation.ValidationOutcome> ValidateAsync(byte[] trustedRoot)
    {
        Assert.True(TrustedMaterial.TryParse(trustedRoot, out var material, out var error), error);
        var validator = _host.Validator(
            CosignTestHost.Definition(_pki.CaCertificate, new KeylessTrustRoot("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = Workflow })),
            material,
            new FakeTimeProvider(TestSigstore.Epoch));
        return await validator.ValidateAsync(Verity.Core.Images.ImageReference.Parse($"{_registry.Registry}/{Repo}:v1"), Keyless, Ct);
    }

    /// <summary>A whole trusted root as JSON: the test sigstore's Fulcio, CT log and TSA, and <paramref name="tlog"/>.</summary>
    private byte[] RootJson(JsonObject tlog, string mediaType = "application/vnd.dev.sigstore.trustedroot.v0.2+json")
    {
        JsonObject Authority(byte[] der) => new()
        {
            ["uri"] = "https://authority.verity.test",
            ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = Convert.ToBase64String(der) }) },
            ["validFor"] = new JsonObject { ["start"] = "2020-01-01T00:00:00Z" },
            ["operator"] = "verity.test",
        };

        var root = new JsonObject
        {
            ["mediaType"] = mediaType,
            ["tlogs"] = new JsonArray(tlog),
            ["certificateAuthorities"] = new JsonArray(Authority(_sigstore.FulcioRoot.RawData)),
            ["ctlogs"] = new JsonArray(new JsonObject
            {
                ["baseUrl"] = "https://ct.verity.test",
                ["hashAlgorithm"] = "SHA2_256",
                ["publicKey"] = new JsonObject
                {
                    ["rawBytes"] = Convert.ToBase64String(_sigstore.CtLogSpki),
                    ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256",
                    ["validFor"] = new JsonObject { ["start"] = "2020-01-01T00:00:00Z" },
                },
                ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(SHA256.HashData(_sigstore.CtLogSpki)) },
            }),
            ["timestampAuthorities"] = new JsonArray(Authority(_tsa.Root.RawData)),
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
