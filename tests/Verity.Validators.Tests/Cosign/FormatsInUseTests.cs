using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Testing.Notation;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Formats signers and trusted roots use today (hardening finding 9): Ed25519ph signatures as cosign makes them with
/// Ed25519 keys, Rekor v2 entries (inclusion proof with a C2SP checkpoint, no promise, an RFC 3161 timestamp as the time
/// source), and every log key encoding the Sigstore trusted-root schema allows, where a key Verity cannot use spoils only
/// that log.
/// </summary>
public sealed class FormatsInUseTests : IDisposable
{
    private const string Workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
    private const string RekorV2Host = "rekor.verity.test";

    private static readonly CosignRuleOptions Keyless = new() { TrustRoot = "acme" };

    private readonly TestSigstore _sigstore = new();
    private readonly TestTimestampAuthority _tsa = new();

    private static KeylessTrustRoot Acme => new("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = Workflow });

    public void Dispose()
    {
        _sigstore.Dispose();
        _tsa.Dispose();
    }

    [Fact]
    public void Ed25519ph_CosignLayerSignedWithEd25519Key_Trusted()
    {
        var (key, signer) = Ed25519Pair(prehash: true);
        var image = TestSigstore.RandomImage();
        var payload = TestSigstore.Payload(image);
        signer.BlockUpdate(payload, 0, payload.Length);

        var outcome = KeyLayer(key, image, payload, signer.GenerateSignature());

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void Ed25519ph_SignatureOverAnotherPayload_Denied()
    {
        var (key, signer) = Ed25519Pair(prehash: true);
        var image = TestSigstore.RandomImage();
        var payload = TestSigstore.Payload(image);
        var other = TestSigstore.Payload(TestSigstore.RandomImage());
        signer.BlockUpdate(other, 0, other.Length);

        Assert.Contains("does not verify with the key of trust root \"k\"", CosignRun.AssertDenied(KeyLayer(key, image, payload, signer.GenerateSignature())), StringComparison.Ordinal);
    }

    [Fact]
    public void RekorV2_HashedRekordEntryWithTimestamp_TrustedAtTheTimestampedTime()
    {
        var image = TestSigstore.RandomImage();
        var bundle = RekorV2Bundle(image, withTimestamp: true);

        var outcome = CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [bundle] }, RekorV2Material(), TestSigstore.Epoch);

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void RekorV2_EntryWithoutTimestamp_CertificateCheckedAtCurrentTimeAndDenied()
    {
        // A Rekor v2 entry has no integration time: without an RFC 3161 timestamp, nothing vouches for the signing time.
        var image = TestSigstore.RandomImage();
        var bundle = RekorV2Bundle(image, withTimestamp: false);

        var reason = CosignRun.AssertDenied(CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [bundle] }, RekorV2Material(), TestSigstore.Epoch));

        Assert.Contains("the certificate is not valid at 2026-01-01 00:00:00Z (the current time)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RekorV2_CheckpointOfAnotherOrigin_Denied()
    {
        var image = TestSigstore.RandomImage();
        var bundle = RekorV2Bundle(image, withTimestamp: true, origin: "rekor.evil.test");

        var reason = CosignRun.AssertDenied(CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [bundle] }, RekorV2Material(), TestSigstore.Epoch));

        Assert.Contains($"its checkpoint is not signed by the key of log https://{RekorV2Host} under the name {RekorV2Host}", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RekorV2_EntryOfAnotherSignature_Denied()
    {
        var image = TestSigstore.RandomImage();
        var bundle = RekorV2Bundle(image, withTimestamp: true, logOtherSignature: true);

        var reason = CosignRun.AssertDenied(CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [bundle] }, RekorV2Material(), TestSigstore.Epoch));

        Assert.Contains("it logs a different signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RekorV2_DsseEntry_Trusted()
    {
        var image = TestSigstore.RandomImage();
        var at = TestSigstore.Epoch.AddMinutes(-30);
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, at.AddSeconds(-5));
        using (key)
        {
            var statement = TestSigstore.Statement(image, "https://sigstore.dev/cosign/sign/v1");
            var signature = TestSigstore.Sign(key, TestSigstore.Pae("application/vnd.in-toto+json", statement));
            var entry = _sigstore.Log(TestSigstore.DsseV2Body(statement, signature, leaf), at, origin: RekorV2Host);
            var bundle = TestSigstore.BundleJson(
                leaf, TestSigstore.DsseEnvelopeJson("application/vnd.in-toto+json", statement, signature), [TestSigstore.TlogEntryJson(entry, "dsse", "0.0.2", promise: false)], [_tsa.Stamp(signature, at)]);

            var outcome = CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [new SigstoreBundleBlob(bundle)] }, RekorV2Material(), TestSigstore.Epoch);

            Assert.Equal(image, CosignRun.AssertTrusted(outcome));
        }
    }

    [Fact]
    public void TrustedRoot_Pkcs1RsaCtLogKey_ReadAsRsa()
    {
        using var rsa = RSA.Create(2048);
        var json = TrustedRoot(ctlog: Log(rsa.ExportRSAPublicKey(), "PKCS1_RSA_PKCS1V5", SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())));

        Assert.True(TrustedMaterial.TryParse(json, out var material, out var error), error);

        var log = Assert.Single(material.CtLogs);
        Assert.Equal(KeyAlgorithm.Rsa, log.Key!.Algorithm);
        Assert.Equal(rsa.ExportSubjectPublicKeyInfo(), log.Key.SubjectPublicKeyInfo.ToArray());
    }

    [Theory]
    [InlineData("PKIX_ED25519")]
    [InlineData("PKIX_ED25519_PH")]
    public void TrustedRoot_Ed25519LogKey_ReadAsEd25519(string details)
    {
        var (key, _) = Ed25519Pair(prehash: false);
        var json = TrustedRoot(tlog: Log(key.SubjectPublicKeyInfo.ToArray(), details, RandomNumberGenerator.GetBytes(32)));

        Assert.True(TrustedMaterial.TryParse(json, out var material, out var error), error);

        Assert.Equal(KeyAlgorithm.Ed25519, Assert.Single(material.RekorLogs).Key!.Algorithm);
    }

    [Theory]
    [InlineData("PKIX_RSA_PKCS1V15_2048_SHA256", "rsa")]
    [InlineData("PKIX_RSA_PSS_3072_SHA256", "rsa")]
    [InlineData("PKIX_ECDSA_P256_SHA_256", "p256")]
    [InlineData("PKIX_ECDSA_P384_SHA_384", "p384")]
    public void TrustedRoot_PkixLogKeys_Read(string details, string kind)
    {
        using AsymmetricAlgorithm key = kind == "rsa" ? RSA.Create(kind == "rsa" && details.Contains("3072", StringComparison.Ordinal) ? 3072 : 2048)
            : ECDsa.Create(kind == "p256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        var json = TrustedRoot(tlog: Log(key.ExportSubjectPublicKeyInfo(), details, SHA256.HashData(key.ExportSubjectPublicKeyInfo())));

        Assert.True(TrustedMaterial.TryParse(json, out var material, out var error), error);

        Assert.NotNull(Assert.Single(material.RekorLogs).Key);
    }

    [Fact]
    public void TrustedRoot_LogKeyVerityCannotUse_SpoilsOnlyThatLog()
    {
        // A post-quantum key (or any key Verity cannot read) used to refuse the whole trusted root, and with it every signature.
        var unusable = Log(RandomNumberGenerator.GetBytes(1952), "ML_DSA_65", RandomNumberGenerator.GetBytes(32));
        var json = TrustedRoot(tlog: unusable, ctlog: Log(RandomNumberGenerator.GetBytes(40), "PKIX_ECDSA_P256_SHA_256", RandomNumberGenerator.GetBytes(32)));

        Assert.True(TrustedMaterial.TryParse(json, out var material, out var error), error);

        var log = Assert.Single(material.RekorLogs);
        Assert.Null(log.Key);
        Assert.Contains("the key details ML_DSA_65 are not supported", log.Unusable, StringComparison.Ordinal);
        Assert.Null(Assert.Single(material.CtLogs).Key);
        Assert.Single(material.CertificateAuthorities);
    }

    [Fact]
    public void TrustedRoot_LogKeyVerityCannotUse_EntriesOfThatLogRejectedWithTheReason()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        var material = _sigstore.Material;
        var spoiled = material.RekorLogs[0] with { Key = null, Unusable = "trustedRoot.tlogs[0].publicKey: the key details ML_DSA_65 are not supported" };

        var reason = CosignRun.AssertDenied(CosignRun.Validate(
            [Acme], Keyless, image, new CosignEvidence { Layers = [layer.Layer] }, new TrustedMaterial(material.CertificateAuthorities, [spoiled], material.CtLogs, []), TestSigstore.Epoch));

        Assert.Contains("whose key cannot be used (trustedRoot.tlogs[0].publicKey: the key details ML_DSA_65 are not supported)", reason, StringComparison.Ordinal);
    }

    private SigstoreBundleBlob RekorV2Bundle(Digest image, bool withTimestamp, string origin = RekorV2Host, bool logOtherSignature = false)
    {
        var at = TestSigstore.Epoch.AddMinutes(-30);
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, at.AddSeconds(-5));
        using (key)
        {
            var payload = TestSigstore.Payload(image);
            var signature = TestSigstore.Sign(key, payload);
            var logged = logOtherSignature ? TestSigstore.Sign(key, payload) : signature;
            var entry = _sigstore.Log(TestSigstore.HashedRekordV2Body(logged, leaf, SHA256.HashData(payload)), at, origin: origin);
            var bundle = TestSigstore.BundleJson(
                leaf,
                TestSigstore.MessageSignatureJson(SHA256.HashData(payload), signature),
                [TestSigstore.TlogEntryJson(entry, "hashedrekord", "0.0.2", promise: false)],
                withTimestamp ? [_tsa.Stamp(signature, at)] : null);
            return new SigstoreBundleBlob(bundle, payload);
        }
    }

    /// <summary>The test sigstore with its Rekor log as a Rekor v2 instance (a base URL whose host is the checkpoint origin) and a TSA.</summary>
    private TrustedMaterial RekorV2Material() => _sigstore.MaterialWith(_tsa.Root);

    private static ValidationOutcome KeyLayer(VerificationKey key, Digest image, byte[] payload, byte[] signature)
    {
        var layer = new CosignSignatureLayer(
            ImmutableDictionary<string, string>.Empty.Add(CosignSignatureLayer.SignatureAnnotation, Convert.ToBase64String(signature)),
            payload);
        return CosignRun.Validate([new PublicKeyTrustRoot("k", key)], new CosignRuleOptions { TrustRoot = "k", VerifyInTransparencyLog = false }, image, new CosignEvidence { Layers = [layer] });
    }

    private static (VerificationKey Key, Org.BouncyCastle.Crypto.ISigner Signer) Ed25519Pair(bool prehash)
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo((Ed25519PublicKeyParameters)pair.Public).GetDerEncoded();
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var key, out var error), error);
        Org.BouncyCastle.Crypto.ISigner signer = prehash ? new Ed25519phSigner([]) : new Ed25519Signer();
        signer.Init(true, pair.Private);
        return (key, signer);
    }

    private static JsonObject Log(byte[] rawBytes, string keyDetails, byte[] logId) => new()
    {
        ["baseUrl"] = "https://log.verity.test",
        ["hashAlgorithm"] = "SHA2_256",
        ["publicKey"] = new JsonObject
        {
            ["rawBytes"] = Convert.ToBase64String(rawBytes),
            ["keyDetails"] = keyDetails,
            ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
        },
        ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(logId) },
    };

    private byte[] TrustedRoot(JsonObject? tlog = null, JsonObject? ctlog = null)
    {
        var root = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            ["tlogs"] = tlog is null ? new JsonArray() : new JsonArray(tlog),
            ["certificateAuthorities"] = new JsonArray(new JsonObject
            {
                ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = Convert.ToBase64String(_sigstore.FulcioRoot.RawData) }) },
                ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
            }),
            ["ctlogs"] = ctlog is null ? new JsonArray() : new JsonArray(ctlog),
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
