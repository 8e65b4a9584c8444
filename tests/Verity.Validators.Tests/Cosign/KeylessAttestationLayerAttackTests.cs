using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Evidence;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Keyless <c>.att</c> layers as <c>cosign attest</c> pushes them (issue #10): a DSSE envelope under a Fulcio certificate, with a
/// Rekor bundle whose entry is of kind <c>intoto</c>, 0.0.1 (what cosign uploads with <c>--rekor-entry-type intoto</c>: the
/// envelope's hash, no signature) or 0.0.2 (the signature, its key, the payload type and both hashes). Each test replays one attack
/// on the binding between the layer, its certificate and its entry, and expects the denial that names it.
/// </summary>
public sealed class KeylessAttestationLayerAttackTests : IDisposable
{
    private const string Workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
    private const string Fork = "https://github.com/mallory/app/.github/workflows/release.yml@refs/heads/main";
    private const string SignPredicate = "https://sigstore.dev/cosign/sign/v1";
    private const string Provenance = "https://slsa.dev/provenance/v1";
    private const string InToto = "application/vnd.in-toto+json";

    private static readonly CosignRuleOptions Keyless = new() { TrustRoot = "acme" };
    private static readonly DateTimeOffset SignedAt = TestSigstore.Epoch.AddMinutes(-30);

    private readonly TestSigstore _sigstore = new();

    private static KeylessTrustRoot Acme => new("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = Workflow });

    public void Dispose() => _sigstore.Dispose();

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public void Baseline_KeylessAttLayerWithIntotoEntry_Trusted(string version)
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessAttestationLayer(image, Workflow, SignPredicate, version);

        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, layer)));
    }

    [Theory]
    [InlineData("0.0.1", "it logs the digest of a different DSSE payload")]
    [InlineData("0.0.2", "it logs a different signature")]
    public void EntryForAnotherEnvelope_IntotoEntryOfAnotherAttestationBySameSigner_Denied(string version, string cause)
    {
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var other = Envelope(signer.Key, TestSigstore.Statement(image, Provenance));

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, Log(version, other, signer.Leaf), SignPredicate));

        Assert.Equal(TlogDenial(cause), CosignRun.AssertDenied(outcome));
    }

    [Theory]
    [InlineData("0.0.1", "it logs the hash of a different DSSE envelope")]
    [InlineData("0.0.2", "it logs a different signature")]
    public void EntryForAnotherEnvelope_SameStatementSignedTwice_Denied(string version, string cause)
    {
        // Two envelopes over the same statement by the same key differ only in their (randomised ECDSA) signatures: the entry of one
        // does not log the other, although it logs the same payload.
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var statement = TestSigstore.Statement(image, SignPredicate);
        var layer = Envelope(signer.Key, statement);
        var other = Envelope(signer.Key, statement);

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, Log(version, other, signer.Leaf), SignPredicate));

        Assert.Equal(TlogDenial(cause), CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void EntryForAnotherEnvelope_IntotoV002WithTheSignatureButAnotherEnvelopeHash_Denied()
    {
        // intoto 0.0.2's envelope hash is the uploader's claim (Rekor verifies only the signature); cosign compares it with the layer.
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var body = TestSigstore.IntotoV002Body([.. layer.Json, (byte)'\n'], InToto, layer.Statement, layer.Signature, TestSigstore.Pem(signer.Leaf));

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, _sigstore.Log(body, SignedAt), SignPredicate));

        Assert.Equal(TlogDenial("it logs the hash of a different DSSE envelope"), CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void EntryForAnotherEnvelope_IntotoV002WithTheSignatureButAnotherPayloadHash_Denied()
    {
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var body = TestSigstore.IntotoV002Body(layer.Json, InToto, TestSigstore.Statement(TestSigstore.RandomImage(), SignPredicate), layer.Signature, TestSigstore.Pem(signer.Leaf));

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, _sigstore.Log(body, SignedAt), SignPredicate));

        Assert.Equal(TlogDenial("it logs the digest of a different DSSE payload"), CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void EntryForAnotherEnvelope_IntotoV002OfAnotherPayloadType_Denied()
    {
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var body = TestSigstore.IntotoV002Body(layer.Json, "application/json", layer.Statement, layer.Signature, TestSigstore.Pem(signer.Leaf));

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, _sigstore.Log(body, SignedAt), SignPredicate));

        Assert.Equal(TlogDenial($"it logs an envelope of payload type \"application/json\", not \"{InToto}\""), CosignRun.AssertDenied(outcome));
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public void EntryOfAnotherSigner_IntotoEntryNamesAnotherCertificate_Denied(string version)
    {
        // The entry logs this envelope, but under a certificate of another identity: it does not vouch for the layer's certificate.
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var (mallory, malloryKey) = _sigstore.IssueLeaf(Fork, TestSigstore.GitHubIssuer, SignedAt.AddSeconds(-5));
        malloryKey.Dispose();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, Log(version, layer, mallory), SignPredicate));

        Assert.Equal(TlogDenial("it logs a different certificate"), CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void EntryOfAnotherSigner_IntotoV002SignatureByAnotherKeyUnderTheLayersCertificate_Denied()
    {
        using var signer = Signer();
        using var mallory = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = TestSigstore.RandomImage();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var forged = Envelope(mallory, layer.Statement);
        var body = TestSigstore.IntotoV002Body(layer.Json, InToto, layer.Statement, forged.Signature, TestSigstore.Pem(signer.Leaf));

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, _sigstore.Log(body, SignedAt), SignPredicate));

        Assert.Equal(TlogDenial("it logs a different signature"), CosignRun.AssertDenied(outcome));
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public void CertificateOfAnotherIdentity_AttLayerSignedByAFork_Denied(string version)
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessAttestationLayer(image, Fork, SignPredicate, version);

        Assert.Equal(
            $"no signature by trust root \"acme\": attestation layer 1: the certificate identity {Fork} (issuer {TestSigstore.GitHubIssuer}) does not match trust root \"acme\" (issuer {TestSigstore.GitHubIssuer}, subject {Workflow})",
            CosignRun.AssertDenied(Run(image, layer)));
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public void SubjectOfAnotherImage_AttLayerCopiedFromAnotherImage_Denied(string version)
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessAttestationLayer(TestSigstore.RandomImage(), Workflow, SignPredicate, version);

        Assert.Equal(
            $"no signature by trust root \"acme\": attestation layer 1: the attestation's subjects do not include this image ({image})",
            CosignRun.AssertDenied(Run(image, layer)));
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public void PredicateTypeNotAllowed_ProvenanceAttLayer_DeniedUnlessTheRuleAcceptsIt(string version)
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessAttestationLayer(image, Workflow, Provenance, version);

        Assert.Equal(
            $"no signature by trust root \"acme\": attestation layer 1: the attestation's predicate type \"{Provenance}\" is not accepted as a signature (only \"{SignPredicate}\"; with.predicateTypes accepts more)",
            CosignRun.AssertDenied(Run(image, layer)));
        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, layer, Keyless with { PredicateTypes = [Provenance] })));
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public void SetByAnotherLog_PromiseSignedByAnotherLogsKey_Denied(string version)
    {
        using var otherLog = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var entry = _sigstore.Log(Body(version, layer, signer.Leaf), SignedAt, setKey: otherLog);

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, entry, SignPredicate));

        Assert.Equal(TlogDenial("its signed entry timestamp does not verify with the key of log https://rekor.verity.test"), CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void SetByAnotherLog_EntryOfALogNotInTheTrustedRoot_Denied()
    {
        using var rogue = new TestSigstore();
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var entry = rogue.Log(Body("0.0.2", layer, signer.Leaf), SignedAt);

        var outcome = Run(image, _sigstore.AttestationLayer(layer.Json, signer.Leaf, entry, SignPredicate));

        Assert.Equal(TlogDenial($"it is in log {Convert.ToHexStringLower(entry.LogId)}, which is not trusted"), CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void IntotoV001EntryInABundle_EnvelopeReEncoded_DeniedForTheTransparencyLog()
    {
        // intoto 0.0.1 logs no signature, only the hash of the envelope's JSON, which a bundle (protobuf JSON) does not keep.
        var image = TestSigstore.RandomImage();
        using var signer = Signer();
        var layer = Envelope(signer.Key, TestSigstore.Statement(image, SignPredicate));
        var entry = _sigstore.Log(Body("0.0.1", layer, signer.Leaf), SignedAt);
        var bundle = TestSigstore.BundleJson(signer.Leaf, TestSigstore.DsseEnvelopeJson(InToto, layer.Statement, layer.Signature), [TestSigstore.TlogEntryJson(entry, "intoto", "0.0.1")]);

        var outcome = CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [new SigstoreBundleBlob(bundle)] }, _sigstore.Material, TestSigstore.Epoch);

        Assert.Equal(
            "no signature by trust root \"acme\": bundle 1: no valid transparency log entry (Rekor entry 1234: it is an intoto 0.0.1 entry, which names the envelope only by the hash of its JSON, and the signature does not carry that JSON)",
            CosignRun.AssertDenied(outcome));
    }

    private static string TlogDenial(string cause) => $"no signature by trust root \"acme\": attestation layer 1: no valid transparency log entry (Rekor entry 1234: {cause})";

    private static SignedEnvelope Envelope(ECDsa key, byte[] statement)
    {
        var signature = TestSigstore.Sign(key, TestSigstore.Pae(InToto, statement));
        return new SignedEnvelope(TestSigstore.EnvelopeJson(InToto, statement, signature), statement, signature);
    }

    private static byte[] Body(string version, SignedEnvelope envelope, X509Certificate2 certificate) => version == "0.0.1"
        ? TestSigstore.IntotoV001Body(envelope.Json, envelope.Statement, TestSigstore.Pem(certificate))
        : TestSigstore.IntotoV002Body(envelope.Json, InToto, envelope.Statement, envelope.Signature, TestSigstore.Pem(certificate));

    private LoggedEntry Log(string version, SignedEnvelope envelope, X509Certificate2 certificate) =>
        _sigstore.Log(Body(version, envelope, certificate), SignedAt);

    private LeafSigner Signer()
    {
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, SignedAt.AddSeconds(-5));
        return new LeafSigner(leaf, key);
    }

    private ValidationOutcome Run(Digest image, CosignSignatureLayer layer, CosignRuleOptions? rule = null)
    {
        return CosignRun.Validate([Acme], rule ?? Keyless, image, new CosignEvidence { Attestations = [layer] }, _sigstore.Material, TestSigstore.Epoch);
    }

    private sealed record SignedEnvelope(byte[] Json, byte[] Statement, byte[] Signature);

    private sealed record LeafSigner(X509Certificate2 Leaf, ECDsa Key) : IDisposable
    {
        public void Dispose() => Key.Dispose();
    }
}
