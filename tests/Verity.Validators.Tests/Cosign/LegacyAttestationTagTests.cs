using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Evidence;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Legacy cosign attestations (<c>cosign attest</c> before bundles): a <c>sha256-&lt;hex&gt;.att</c> manifest whose layers are
/// DSSE envelopes (<c>application/vnd.dsse.envelope.v1+json</c>), found in the same discovery pass as <c>.sig</c> and
/// verified like it, under the same predicate-type rule as DSSE bundles (hardening findings 2 and 9).
/// </summary>
public sealed class LegacyAttestationTagTests : IAsyncLifetime
{
    private const string Repo = "acme/app";
    private const string Provenance = "https://slsa.dev/provenance/v1";

    private static readonly CosignRuleOptions Alice = new() { TrustRoot = "alice", VerifyInTransparencyLog = false };

    private readonly TestPki _pki = TestPki.Create();
    private readonly CosignTestHost _host = new(o => o.MaxAttempts = 1);
    private readonly ECDsa _alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private FakeRegistry _registry = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _host.Dispose();
        _alice.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task AttTag_CosignSignPredicateByAlice_Trusted()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "layer", "app"));
        PushAttestations(image, AttestationLayer(image, "https://sigstore.dev/cosign/sign/v1"));

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
    }

    [Fact]
    public async Task AttTag_ProvenanceByAlice_DeniedUnlessTheRuleAcceptsItsType()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "layer", "app"));
        PushAttestations(image, AttestationLayer(image, Provenance));

        var denied = await Validator().ValidateAsync(Ref("app"), Alice, Ct);
        var trusted = await Validator().ValidateAsync(Ref("app"), Alice with { PredicateTypes = [Provenance] }, Ct);

        Assert.Equal(
            $"no signature by trust root \"alice\": attestation layer 1: the attestation's predicate type \"{Provenance}\" is not accepted as a signature (only \"https://sigstore.dev/cosign/sign/v1\"; with.predicateTypes accepts more)",
            Outcome.Denied(denied));
        Assert.Equal(image.ToString(), Outcome.Trusted(trusted));
    }

    [Fact]
    public async Task AttTag_EnvelopeCopiedFromAnotherImage_DeniedBySubject()
    {
        var signed = Digest.Parse(_registry.PutImage(Repo, "signed layer", "signed"));
        var other = Digest.Parse(_registry.PutImage(Repo, "other layer", "other"));
        PushAttestations(other, AttestationLayer(signed, "https://sigstore.dev/cosign/sign/v1"));

        var outcome = await Validator().ValidateAsync(Ref("other"), Alice, Ct);

        Assert.Equal($"no signature by trust root \"alice\": attestation layer 1: the attestation's subjects do not include this image ({other})", Outcome.Denied(outcome));
    }

    [Fact]
    public async Task AttTag_EnvelopeSignedByAnotherKey_Denied()
    {
        using var mallory = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = Digest.Parse(_registry.PutImage(Repo, "layer", "app"));
        PushAttestations(image, AttestationLayer(image, "https://sigstore.dev/cosign/sign/v1", mallory));

        var outcome = await Validator().ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal("no signature by trust root \"alice\": attestation layer 1: the signature does not verify with the key of trust root \"alice\"", Outcome.Denied(outcome));
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("0.0.2")]
    public async Task AttTag_KeylessWithIntotoEntry_TrustedThroughTheRegistry(string intotoVersion)
    {
        // cosign attest, keyless: the certificate, chain and a Rekor bundle whose entry is of kind intoto, found by discovery and
        // verified end to end (chain, SCT, identity, promise over the intoto body, the body bound to the envelope and certificate).
        const string workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
        using var sigstore = new TestSigstore();
        var image = Digest.Parse(_registry.PutImage(Repo, "layer", "app"));
        PushAttestations(image, sigstore.KeylessAttestationLayer(image, workflow, "https://sigstore.dev/cosign/sign/v1", intotoVersion));
        var acme = new KeylessTrustRoot("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = workflow });
        var fork = new KeylessTrustRoot("fork", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = workflow.Replace("acme", "fork", StringComparison.Ordinal) });
        var validator = _host.Validator(CosignTestHost.Definition(_pki.CaCertificate, acme, fork), sigstore.Material, new FakeTimeProvider(TestSigstore.Epoch));

        var trusted = await validator.ValidateAsync(Ref("app"), new CosignRuleOptions { TrustRoot = "acme" }, Ct);
        var otherIdentity = await validator.ValidateAsync(Ref("app"), new CosignRuleOptions { TrustRoot = "fork" }, Ct);

        Assert.Equal(image.ToString(), Outcome.Trusted(trusted));
        Assert.Contains("attestation layer 1: the certificate identity", Outcome.Denied(otherIdentity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttTag_LayersCountTowardTheSignatureLimit()
    {
        var image = Digest.Parse(_registry.PutImage(Repo, "layer", "app"));
        CosignPush.Signatures(_registry, Repo, image, CosignPush.KeyLayer(_alice, image));
        PushAttestations(image, AttestationLayer(image, Provenance), AttestationLayer(image, Provenance));

        var outcome = await Validator(new CosignLimits { MaxSignatures = 2 }).ValidateAsync(Ref("app"), Alice, Ct);

        Assert.Equal("the image has 3 signatures, more than the limit of 2", Outcome.Denied(outcome));
        Assert.DoesNotContain(_host.Requests, r => r.StartsWith("blob", StringComparison.Ordinal));
    }

    private CosignSignatureLayer AttestationLayer(Digest subject, string predicateType, ECDsa? key = null)
    {
        var statement = TestSigstore.Statement(subject, predicateType);
        var signature = TestSigstore.Sign(key ?? _alice, TestSigstore.Pae("application/vnd.in-toto+json", statement));
        var envelope = TestSigstore.DsseEnvelopeJson("application/vnd.in-toto+json", statement, signature);
        ((JsonObject)envelope["signatures"]![0]!)["keyid"] = string.Empty;
        return new CosignSignatureLayer(
            ImmutableDictionary<string, string>.Empty
                .Add(CosignSignatureLayer.SignatureAnnotation, string.Empty)
                .Add("predicateType", predicateType),
            System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString()),
            CosignSignatureLayer.DsseMediaType);
    }

    private void PushAttestations(Digest image, params CosignSignatureLayer[] layers)
    {
        _registry.PutManifest(Repo, CosignPush.SignatureManifest(_registry, Repo, layers), CosignPush.OciManifest, $"sha256-{image.Hex}.att");
    }

    private ImageReference Ref(string tag) => ImageReference.Parse($"{_registry.Registry}/{Repo}:{tag}");

    private CosignValidator Validator(CosignLimits? limits = null)
    {
        var alice = new PublicKeyTrustRoot("alice", VerificationKey.FromAsymmetricAlgorithm(_alice));
        return _host.Validator(CosignTestHost.Definition(_pki.CaCertificate, alice), new([], [], [], []), limits: limits);
    }
}
