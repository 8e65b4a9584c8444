using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Verity.Core.Images;
using Verity.Core.Trust;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Each test replays one attack on cosign verification and expects a denial with the reason that names it.
/// Signatures are made at test time by <see cref="TestSigstore"/> or taken from the real cosign fixtures.
/// </summary>
public sealed class CosignAttackTests : IDisposable
{
    private const string Workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";

    private static readonly CosignRuleOptions Keyless = new() { TrustRoot = "acme" };

    private readonly TestSigstore _sigstore = new();

    private static KeylessTrustRoot Acme => new("acme", new KeylessIdentity { Issuer = TestSigstore.GitHubIssuer, Subject = Workflow });

    public void Dispose() => _sigstore.Dispose();

    [Fact]
    public void Baseline_SyntheticKeylessLayer_Trusted()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);

        Assert.Equal(image, CosignRun.AssertTrusted(Run(image, [layer.Layer])));
    }

    [Fact]
    public void Baseline_SyntheticBundleWithMultiLeafProof_Trusted()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        var bundle = TestSigstore.Bundle(layer.Leaf, SHA256.HashData(layer.Payload), layer.Signature, layer.Entry);

        Assert.Equal(image, CosignRun.AssertTrusted(RunBundle(image, new SigstoreBundleBlob(bundle, layer.Payload))));
    }

    [Fact]
    public void Baseline_BundleSignedWithP384Key_IsVerifiedWithSha384_Trusted()
    {
        // A bundle's message signature uses the key's default hash (sigstore-go: SHA-384 for P-384), unlike a cosign
        // layer's, which is always SHA-256.
        var image = TestSigstore.RandomImage();
        var at = TestSigstore.Epoch.AddMinutes(-30);
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, at.AddSeconds(-5), curve: ECCurve.NamedCurves.nistP384);
        using (key)
        {
            var payload = TestSigstore.Payload(image);
            var signature = key.SignData(payload, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
            var entry = _sigstore.Log(TestSigstore.HashedRekordBody(signature, TestSigstore.Pem(leaf), SHA256.HashData(payload)), at);
            var bundle = TestSigstore.Bundle(leaf, SHA256.HashData(payload), signature, entry);

            Assert.Equal(image, CosignRun.AssertTrusted(RunBundle(image, new SigstoreBundleBlob(bundle, payload))));
        }
    }

    [Fact]
    public void WrongKey_BobsKeyForAlicesSignature_Denied()
    {
        var image = ConnaisseurCosign.ImageDigest("multi-cosigned-alice");

        var outcome = CosignRun.Validate([ConnaisseurCosign.Key("bob")], new CosignRuleOptions { TrustRoot = "bob", VerifyInTransparencyLog = false }, image, ConnaisseurCosign.Evidence(image));

        Assert.Equal(
            "no signature by trust root \"bob\": signature layer 1: the signature does not verify with the key of trust root \"bob\"",
            CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void PayloadForAnotherDigest_ValidSignatureOverOtherImage_Denied()
    {
        var image = TestSigstore.RandomImage();
        var other = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(other, Workflow);

        var reason = CosignRun.AssertDenied(Run(image, [layer.Layer]));

        Assert.Contains($"the signature is for {other}, not for this image ({image})", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedPayload_ChangedReference_DeniedBySignature()
    {
        var image = ConnaisseurCosign.ImageDigest("multi-cosigned-alice");
        var layer = ConnaisseurCosign.Evidence(image).Layers[0];
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(layer.Payload.Span).Replace("securesystemsengineering", "securesystemsengineerinG", StringComparison.Ordinal));

        var outcome = CosignRun.Validate([ConnaisseurCosign.Key("alice")], new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false }, image, Evidence(layer with { Payload = tampered }));

        Assert.Contains("does not verify with the key of trust root \"alice\"", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void SignatureCopiedFromAnotherImage_AliceLayerUnderOtherDigest_Denied()
    {
        var signed = ConnaisseurCosign.ImageDigest("multi-cosigned-alice");
        var victim = ConnaisseurCosign.ImageDigest("multi-cosigned-alice-bob-charlie");

        var outcome = CosignRun.Validate([ConnaisseurCosign.Key("alice")], new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false }, victim, ConnaisseurCosign.Evidence(signed));

        Assert.Contains($"the signature is for {signed}, not for this image ({victim})", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void UnanchoredIdentityRegexAttempt_SubjectWithTrailingDomain_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, "alice@example.com.evil.test");
        var root = new KeylessTrustRoot("acme", new KeylessIdentity
        {
            Issuer = TestSigstore.GitHubIssuer,
            SubjectRegex = KeylessIdentity.Anchored(@"alice@example\.com"),
        });

        var reason = CosignRun.AssertDenied(Run(image, [layer.Layer], root));

        Assert.Contains("alice@example.com.evil.test", reason, StringComparison.Ordinal);
        Assert.Contains("does not match trust root \"acme\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnanchoredIdentityRegexAttempt_ExactSubject_StillTrusted()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, "alice@example.com");
        var root = new KeylessTrustRoot("acme", new KeylessIdentity
        {
            Issuer = TestSigstore.GitHubIssuer,
            SubjectRegex = KeylessIdentity.Anchored(@"alice@example\.com"),
        });

        CosignRun.AssertTrusted(Run(image, [layer.Layer], root));
    }

    [Fact]
    public void WrongIssuer_SameSubjectFromOtherIssuer_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, issuer: "https://issuer.evil.test");

        var reason = CosignRun.AssertDenied(Run(image, [layer.Layer]));

        Assert.Contains("(issuer https://issuer.evil.test) does not match trust root \"acme\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredCertificateWithoutLogEntry_TlogOptional_DeniedAtCurrentTime()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, withBundle: false);

        var reason = CosignRun.AssertDenied(Run(image, [layer.Layer], rule: Keyless with { VerifyInTransparencyLog = false }));

        Assert.Contains("the certificate is not valid at 2026-01-01 00:00:00Z (the current time)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredCertificateWithoutLogEntry_TlogRequired_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, withBundle: false);

        Assert.Contains("no valid transparency log entry (the signature has none)", CosignRun.AssertDenied(Run(image, [layer.Layer])), StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredCertificateWithoutLogEntry_StillValidCertificate_TrustedWhenTlogOptional()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, signedAt: TestSigstore.Epoch.AddMinutes(-2), withBundle: false);

        CosignRun.AssertTrusted(Run(image, [layer.Layer], rule: Keyless with { VerifyInTransparencyLog = false }));
    }

    [Fact]
    public void ForgedSignedEntryTimestamp_SignedByOtherKey_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = _sigstore.Log(layer.Entry.Body, DateTimeOffset.FromUnixTimeSeconds(layer.Entry.IntegratedTime), setKey: forger);

        var reason = CosignRun.AssertDenied(Run(image, [WithBundle(layer, forged)]));

        Assert.Contains("its signed entry timestamp does not verify", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ForgedSignedEntryTimestamp_IntegratedTimeMovedIntoCertificateWindow_Denied()
    {
        // A signature made after the certificate expired, with a real entry whose time is then edited back.
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow, signedAt: TestSigstore.Epoch.AddMinutes(-30));
        var late = _sigstore.Log(layer.Entry.Body, TestSigstore.Epoch.AddMinutes(-5));
        var edited = late with { IntegratedTime = layer.Entry.IntegratedTime };

        var reason = CosignRun.AssertDenied(Run(image, [WithBundle(layer, edited)]));

        Assert.Contains("its signed entry timestamp does not verify", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeIntegratedTime_OneBadSignature_RejectsOnlyThatSignatureWithItsReason()
    {
        // An integration time past year 9999 used to throw before the SET check and turn the image into an internal error.
        var image = TestSigstore.RandomImage();
        var bad = _sigstore.KeylessLayer(image, Workflow);
        var good = _sigstore.KeylessLayer(image, Workflow);
        var badLayer = WithBundle(bad, bad.Entry with { IntegratedTime = long.MaxValue });

        Assert.Contains($"its integration time {long.MaxValue} is not a time", CosignRun.AssertDenied(Run(image, [badLayer])), StringComparison.Ordinal);
        CosignRun.AssertTrusted(Run(image, [badLayer, good.Layer]));
    }

    [Fact]
    public void ForgedSignedEntryTimestamp_EntryOfAnotherSignature_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        var other = _sigstore.KeylessLayer(image, Workflow);

        var reason = CosignRun.AssertDenied(Run(image, [WithBundle(layer, other.Entry)]));

        Assert.Contains("it logs a different signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptedInclusionProof_FlippedAuditPathHash_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        var proof = layer.Entry.Proof.Select(h => h.ToArray()).ToArray();
        proof[1][7] ^= 0x80;

        var reason = CosignRun.AssertDenied(RunBundle(image, BundleOf(layer, layer.Entry with { Proof = proof })));

        Assert.Contains("its inclusion proof does not verify: the inclusion proof leads to a different root hash", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptedInclusionProof_WrongLeafIndex_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);

        var reason = CosignRun.AssertDenied(RunBundle(image, BundleOf(layer, layer.Entry with { LeafIndex = 2 })));

        Assert.Contains("its inclusion proof does not verify", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptedInclusionProof_RootHashNotTheCheckpoints_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);

        var reason = CosignRun.AssertDenied(RunBundle(image, BundleOf(layer, layer.Entry with { RootHash = RandomNumberGenerator.GetBytes(32) })));

        Assert.Contains("its checkpoint is for another tree than its inclusion proof", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckpointSignedByAnotherKey_ProperHint_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var entry = _sigstore.Log(layer.Entry.Body, DateTimeOffset.FromUnixTimeSeconds(layer.Entry.IntegratedTime), checkpointKey: other);

        var reason = CosignRun.AssertDenied(RunBundle(image, BundleOf(layer, entry)));

        Assert.Contains("its checkpoint is not signed by the key of log https://rekor.verity.test", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckpointSignedByAnotherKey_HintOfTheLogKey_Denied()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var entry = _sigstore.Log(layer.Entry.Body, DateTimeOffset.FromUnixTimeSeconds(layer.Entry.IntegratedTime), checkpointKey: other);
        var logHint = Convert.ToBase64String(layer.Entry.LogId.AsSpan(0, 4));
        var lines = entry.Checkpoint.Split('\n');
        var signature = Convert.FromBase64String(lines[^2].Split(' ')[^1]);
        lines[^2] = $"\u2014 rekor.verity.test {Convert.ToBase64String([.. layer.Entry.LogId.AsSpan(0, 4), .. signature.AsSpan(4)])}";
        Assert.StartsWith(logHint[..4], lines[^2].Split(' ')[^1], StringComparison.Ordinal);

        var reason = CosignRun.AssertDenied(RunBundle(image, BundleOf(layer, entry with { Checkpoint = string.Join('\n', lines) })));

        Assert.Contains("its checkpoint is not signed by the key of log", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TooManySignatures_33Layers_DeniedWithoutVerifying()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);

        var reason = CosignRun.AssertDenied(Run(image, [.. Enumerable.Repeat(layer.Layer, 33)]));

        Assert.Equal("the image has 33 signatures, more than the limit of 32", reason);
    }

    [Fact]
    public void TooManySignatures_LimitIsConfigurable()
    {
        var image = TestSigstore.RandomImage();
        var layer = _sigstore.KeylessLayer(image, Workflow);

        var outcome = CosignRun.Validate([Acme], Keyless, image, Evidence([.. Enumerable.Repeat(layer.Layer, 3)]), _sigstore.Material, TestSigstore.Epoch, new CosignLimits { MaxSignatures = 2 });

        Assert.Equal("the image has 3 signatures, more than the limit of 2", CosignRun.AssertDenied(outcome));
    }

    [Fact]
    public void CertificateFromUntrustedCa_SelfIssuedLookalike_Denied()
    {
        var image = TestSigstore.RandomImage();
        using var rogue = new TestSigstore();
        var layer = rogue.KeylessLayer(image, Workflow);

        var reason = CosignRun.AssertDenied(Run(image, [layer.Layer], rule: Keyless with { VerifyInTransparencyLog = false, VerifySct = false }));

        Assert.Contains("does not chain to the trusted root", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSct_CertificateWithoutSct_DeniedUnlessSctCheckIsOff()
    {
        var image = TestSigstore.RandomImage();
        var (leaf, key) = _sigstore.IssueLeaf(Workflow, TestSigstore.GitHubIssuer, TestSigstore.Epoch.AddMinutes(-31), embedSct: false);
        using (key)
        {
            var payload = TestSigstore.Payload(image);
            var signature = TestSigstore.Sign(key, payload);
            var entry = _sigstore.Log(TestSigstore.HashedRekordBody(signature, TestSigstore.Pem(leaf), SHA256.HashData(payload)), TestSigstore.Epoch.AddMinutes(-30));
            var layer = new CosignSignatureLayer(
                ImmutableDictionary<string, string>.Empty
                    .Add(CosignSignatureLayer.SignatureAnnotation, Convert.ToBase64String(signature))
                    .Add(CosignSignatureLayer.CertificateAnnotation, TestSigstore.Pem(leaf))
                    .Add(CosignSignatureLayer.BundleAnnotation, TestSigstore.RekorBundleAnnotation(entry)),
                payload);

            Assert.Contains("no valid certificate transparency SCT (the certificate has no embedded SCT)", CosignRun.AssertDenied(Run(image, [layer])), StringComparison.Ordinal);
            CosignRun.AssertTrusted(Run(image, [layer], rule: Keyless with { VerifySct = false }));
        }
    }

    [Fact]
    public void DuplicateKeysInPayload_ParserDifferential_Denied()
    {
        var image = TestSigstore.RandomImage();
        var other = TestSigstore.RandomImage();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = Encoding.UTF8.GetBytes(
            $$"""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"{{other}}","docker-manifest-digest":"{{image}}"},"type":"cosign container image signature"},"optional":null}""");
        var layer = new CosignSignatureLayer(
            ImmutableDictionary<string, string>.Empty.Add(CosignSignatureLayer.SignatureAnnotation, Convert.ToBase64String(TestSigstore.Sign(key, payload))),
            payload);
        var root = new PublicKeyTrustRoot("acme", VerificationKey.FromAsymmetricAlgorithm(key));

        var outcome = CosignRun.Validate([root], new CosignRuleOptions { TrustRoot = "acme", VerifyInTransparencyLog = false }, image, Evidence(layer));

        Assert.Contains("Duplicate property", CosignRun.AssertDenied(outcome), StringComparison.Ordinal);
    }

    private static CosignEvidence Evidence(params CosignSignatureLayer[] layers) => new() { Layers = [.. layers] };

    private static CosignSignatureLayer WithBundle(KeylessLayer layer, LoggedEntry entry)
    {
        return layer.Layer with { Annotations = layer.Layer.Annotations.SetItem(CosignSignatureLayer.BundleAnnotation, TestSigstore.RekorBundleAnnotation(entry)) };
    }

    private static SigstoreBundleBlob BundleOf(KeylessLayer layer, LoggedEntry entry)
    {
        return new SigstoreBundleBlob(TestSigstore.Bundle(layer.Leaf, SHA256.HashData(layer.Payload), layer.Signature, entry), layer.Payload);
    }

    private Verity.Core.Validation.ValidationOutcome Run(Digest image, CosignSignatureLayer[] layers, TrustRoot? root = null, CosignRuleOptions? rule = null)
    {
        return CosignRun.Validate([root ?? Acme], rule ?? Keyless, image, Evidence(layers), _sigstore.Material, TestSigstore.Epoch);
    }

    private Verity.Core.Validation.ValidationOutcome RunBundle(Digest image, SigstoreBundleBlob bundle)
    {
        return CosignRun.Validate([Acme], Keyless, image, new CosignEvidence { Bundles = [bundle] }, _sigstore.Material, TestSigstore.Epoch);
    }
}
