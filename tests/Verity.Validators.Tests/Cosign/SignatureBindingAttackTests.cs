using System.Security.Cryptography;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign;
using Verity.Validators.Cosign.Evidence;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// What a signature must say to sign an image (hardening finding 2): an attestation by a trusted identity about the image
/// (a vulnerability scan, an SBOM) is not a signature of it unless the rule accepts its predicate type, and a signature
/// over the bare manifest digest is not an image signature (sigstore-go verifies such a bundle as a blob).
/// </summary>
public sealed class SignatureBindingAttackTests : IDisposable
{
    private const string Workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
    private const string VulnerabilityScan = "https://cosign.sigstore.dev/attestation/vuln/v1";
    private const string Sbom = "https://spdx.dev/Document";

    private static readonly CosignRuleOptions Rule = new() { TrustRoot = "acme" };

    private readonly TestSigstore _sigstore = new();

    private static KeylessTrustRoot Acme => new("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = Workflow });

    public void Dispose() => _sigstore.Dispose();

    [Fact]
    public void CosignSignPredicate_DsseBundleByTrustedIdentity_Trusted()
    {
        var image = TestSigstore.RandomImage();
        var bundle = _sigstore.KeylessAttestation(image, Workflow, "https://sigstore.dev/cosign/sign/v1");

        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, bundle)));
    }

    [Theory]
    [InlineData(VulnerabilityScan)]
    [InlineData(Sbom)]
    [InlineData("https://slsa.dev/provenance/v1")]
    public void AttestationAsSignature_ScanOrSbomByTrustedIdentity_Denied(string predicateType)
    {
        var image = TestSigstore.RandomImage();
        var bundle = _sigstore.KeylessAttestation(image, Workflow, predicateType);

        var reason = CosignRun.AssertDenied(Run(image, bundle));

        Assert.Equal(
            $"no signature by trust root \"acme\": bundle 1: the attestation's predicate type \"{predicateType}\" is not accepted as a signature (only \"https://sigstore.dev/cosign/sign/v1\"; with.predicateTypes accepts more)",
            reason);
    }

    [Fact]
    public void AttestationAsSignature_PredicateTypeTheRuleAccepts_Trusted()
    {
        var image = TestSigstore.RandomImage();
        var bundle = _sigstore.KeylessAttestation(image, Workflow, "https://slsa.dev/provenance/v1");

        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, bundle, Rule with { PredicateTypes = ["https://slsa.dev/provenance/v1"] })));
    }

    [Fact]
    public void AttestationAsSignature_OtherPredicateThanTheRuleAccepts_DeniedNamingTheAcceptedOnes()
    {
        var image = TestSigstore.RandomImage();
        var bundle = _sigstore.KeylessAttestation(image, Workflow, VulnerabilityScan);

        var reason = CosignRun.AssertDenied(Run(image, bundle, Rule with { PredicateTypes = ["https://slsa.dev/provenance/v1"] }));

        Assert.EndsWith(
            $"predicate type \"{VulnerabilityScan}\" is not accepted as a signature (accepted: \"https://sigstore.dev/cosign/sign/v1\", \"https://slsa.dev/provenance/v1\")",
            reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public void CosignSignPredicate_StatementAboutAnotherImage_Denied()
    {
        var image = TestSigstore.RandomImage();
        var bundle = _sigstore.KeylessAttestation(TestSigstore.RandomImage(), Workflow, "https://sigstore.dev/cosign/sign/v1");

        Assert.Contains($"the attestation's subjects do not include this image ({image})", CosignRun.AssertDenied(Run(image, bundle)), StringComparison.Ordinal);
    }

    [Fact]
    public void BareDigestSignature_MessageSignatureOverTheManifestDigest_Denied()
    {
        // The signer signed 32 bytes that happen to be the manifest digest: a blob signature, not "I sign this image".
        var image = TestSigstore.RandomImage();
        var at = TestSigstore.Epoch.AddMinutes(-30);
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, at.AddSeconds(-5));
        using (key)
        {
            var digest = Convert.FromHexString(image.Hex);
            var signature = key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            var entry = _sigstore.Log(TestSigstore.HashedRekordBody(signature, TestSigstore.Pem(leaf), digest), at);
            var bundle = TestSigstore.Bundle(leaf, digest, signature, entry);

            Assert.Equal(
                $"no signature by trust root \"acme\": bundle 1: the bundle signs the bare digest {image}, not a cosign signature payload that names the image",
                CosignRun.AssertDenied(Run(image, bundle)));
        }
    }

    [Fact]
    public void BareDigestSignature_SameBundleWithThePayloadItSigns_Trusted()
    {
        // The contrast: the same kind of bundle over a simple-signing payload naming the digest is an image signature.
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        var bundle = TestSigstore.Bundle(layer.Leaf, SHA256.HashData(layer.Payload), layer.Signature, layer.Entry);

        Assert.Equal(image, CosignRun.AssertTrusted(CosignRun.Validate(
            [Acme], Rule, image, new CosignEvidence { Bundles = [new SigstoreBundleBlob(bundle, layer.Payload)] }, _sigstore.Material, TestSigstore.Epoch)));
    }

    private ValidationOutcome Run(Digest image, byte[] bundle, CosignRuleOptions? rule = null)
    {
        return CosignRun.Validate([Acme], rule ?? Rule, image, new CosignEvidence { Bundles = [new SigstoreBundleBlob(bundle)] }, _sigstore.Material, TestSigstore.Epoch);
    }
}
