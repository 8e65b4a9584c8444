using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;
using Verity.Testing.Notation;
using Verity.Validators.Notation.Envelope;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Tests.Notation;

/// <summary>
/// The signature checks of <see cref="NotationSignatureVerifier"/> on envelopes made at test time, in both formats,
/// and the attacks they stop, each named after the attack.
/// </summary>
public sealed class NotationVerifierAttackTests : IDisposable
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string Image = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Other = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    private readonly NotationTestCa _ca = NotationTestCa.Create("Acme");
    private readonly NotationTestCa _mallory = NotationTestCa.Create("Mallory");
    private readonly NotationSignatureVerifier _verifier = new(TimeProvider.System);

    private static TargetArtifact Expected => new(ManifestType, Image, 1234);

    private CertificateTrustRoot Acme => new("acme", new X509Certificate2Collection(_ca.Root), null);

    public void Dispose()
    {
        _ca.Dispose();
        _mallory.Dispose();
    }

    [Theory]
    [InlineData("jws", false)]
    [InlineData("jws", true)]
    [InlineData("cose", false)]
    [InlineData("cose", true)]
    public void Verify_SignedByTrustedChain_SatisfiesTheTrustRoot(string format, bool ecdsa)
    {
        using var leaf = _ca.Leaf(ecdsa);
        var verdict = Verify(Sign(format, NotationSigner.Payload(ManifestType, Image, 1234), leaf, _ca));

        Assert.Null(verdict.IntegrityFailure);
        Assert.Equal(["acme"], verdict.SatisfiedRoots);
        Assert.Contains("revocation not checked (Verity verifies offline)", verdict.Logged);
        Assert.DoesNotContain(verdict.Logged, l => l.Contains("revocation passed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void DescriptorNamingAnotherDigest_FailsIntegrity(string format)
    {
        using var leaf = _ca.Leaf();
        var verdict = Verify(Sign(format, NotationSigner.Payload(ManifestType, Other, 1234), leaf, _ca));

        Assert.Equal($"signature covers {Other} not {Image}", verdict.IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void DescriptorWithWrongSize_FailsIntegrity(string format)
    {
        using var leaf = _ca.Leaf();
        var verdict = Verify(Sign(format, NotationSigner.Payload(ManifestType, Image, 99), leaf, _ca));

        Assert.Equal($"signature covers {Image} with size 99, not the manifest's 1234 bytes", verdict.IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void UntrustedChain_DoesNotSatisfyTheTrustRoot(string format)
    {
        using var leaf = _mallory.Leaf();
        var verdict = Verify(Sign(format, NotationSigner.Payload(ManifestType, Image, 1234), leaf, _mallory));

        Assert.Null(verdict.IntegrityFailure);
        Assert.Equal("certificate chain does not lead to trust root \"acme\"", verdict.Roots["acme"]);
        Assert.Empty(verdict.SatisfiedRoots);
    }

    [Fact]
    public void UntrustedChain_UnderAudit_IsOnlyLogged()
    {
        using var leaf = _mallory.Leaf();
        var verdict = Verify(Sign("jws", NotationSigner.Payload(ManifestType, Image, 1234), leaf, _mallory), NotationVerificationLevel.Audit);

        Assert.Null(verdict.IntegrityFailure);
        Assert.Contains("certificate chain does not lead to trust root \"acme\" (logged under audit)", verdict.Logged);
        Assert.Contains("revocation not checked (Verity verifies offline)", verdict.Logged);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void LeafWithoutCodeSigningEku_FailsIntegrity(string format)
    {
        using var leaf = _ca.Leaf(eku: "1.3.6.1.4.1.311.10.3.13");
        var verdict = Verify(Sign(format, NotationSigner.Payload(ManifestType, Image, 1234), leaf, _ca));

        Assert.Equal("the signing certificate \"CN=signer\" is not for code signing (extended key usage without codeSigning)", verdict.IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void ExpiredLeafWithoutTimestamp_Strict_DoesNotSatisfyTheTrustRoot(string format)
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = Sign(format, NotationSigner.Payload(ManifestType, Image, 1234), leaf, _ca, new NotationSignOptions { SigningTime = now.AddDays(-15) });

        var strict = Verify(envelope);
        var permissive = Verify(envelope, NotationVerificationLevel.Permissive);

        Assert.StartsWith("certificate \"CN=signer\" is not valid now", strict.Roots["acme"], StringComparison.Ordinal);
        Assert.Contains("no trusted timestamp", strict.Roots["acme"], StringComparison.Ordinal);
        Assert.Equal(["acme"], permissive.SatisfiedRoots);
        Assert.Contains(permissive.Logged, l => l.StartsWith("certificate \"CN=signer\" is not valid now", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void UnknownCriticalHeader_FailsIntegrity(string format)
    {
        using var leaf = _ca.Leaf();
        var envelope = Sign(format, NotationSigner.Payload(ManifestType, Image, 1234), leaf, _ca, new NotationSignOptions { UnknownCritical = "io.cncf.notary.verificationPlugin" });

        Assert.Equal("the critical header \"io.cncf.notary.verificationPlugin\" is not understood", Verify(envelope).IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void ExpiredSignature_Strict_Denied_Permissive_Logged(string format)
    {
        using var leaf = _ca.Leaf();
        var envelope = Sign(format, NotationSigner.Payload(ManifestType, Image, 1234), leaf, _ca, new NotationSignOptions { SigningTime = DateTimeOffset.UtcNow.AddHours(-2), Expiry = DateTimeOffset.UtcNow.AddHours(-1) });

        Assert.StartsWith("the signature expired at", Verify(envelope).Roots["acme"], StringComparison.Ordinal);
        Assert.Equal(["acme"], Verify(envelope, NotationVerificationLevel.Permissive).SatisfiedRoots);
    }

    [Fact]
    public void TamperedPayload_FailsIntegrity()
    {
        using var leaf = _ca.Leaf();
        var jws = System.Text.Encoding.UTF8.GetString(NotationSigner.Jws(NotationSigner.Payload(ManifestType, Other, 1234), leaf, [leaf, _ca.Root]));
        var forged = System.Text.Json.Nodes.JsonNode.Parse(jws)!;
        forged["payload"] = System.Buffers.Text.Base64Url.EncodeToString(NotationSigner.Payload(ManifestType, Image, 1234));

        var verdict = Verify(("application/jose+json", System.Text.Encoding.UTF8.GetBytes(forged.ToJsonString())));

        Assert.Equal("the signature does not verify with the key of \"CN=signer\"", verdict.IntegrityFailure);
    }

    [Fact]
    public void PayloadWithRepeatedDigestKey_FailsIntegrity()
    {
        using var leaf = _ca.Leaf();
        var payload = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"targetArtifact\":{{\"mediaType\":\"{ManifestType}\",\"digest\":\"{Image}\",\"digest\":\"{Other}\",\"size\":1234}}}}");

        var verdict = Verify(Sign("jws", payload, leaf, _ca));

        Assert.Equal("the signed payload repeats a key", verdict.IntegrityFailure);
    }

    [Fact]
    public void ChainWithoutRoot_FailsIntegrity()
    {
        using var leaf = _ca.Leaf();
        var envelope = ("application/jose+json", NotationSigner.Jws(NotationSigner.Payload(ManifestType, Image, 1234), leaf, [leaf]));

        Assert.StartsWith("the certificate chain does not end at a self-signed root", Verify(envelope).IntegrityFailure, StringComparison.Ordinal);
    }

    private static (string MediaType, byte[] Bytes) Sign(string format, byte[] payload, X509Certificate2 leaf, NotationTestCa ca, NotationSignOptions? options = null) =>
        format == "jws"
            ? ("application/jose+json", NotationSigner.Jws(payload, leaf, [leaf, ca.Root], options))
            : ("application/cose", NotationSigner.Cose(payload, leaf, [leaf, ca.Root], options));

    private NotationVerdict Verify((string MediaType, byte[] Bytes) envelope, NotationVerificationLevel level = NotationVerificationLevel.Strict)
    {
        var parsed = NotationEnvelopeReader.TryRead(envelope.MediaType, envelope.Bytes, out var error);
        Assert.True(parsed is not null, error);
        return _verifier.Verify(parsed, Expected, [Acme], level, NotationTimestampPolicy.Always);
    }
}
