using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;
using Verity.Testing.Notation;
using Verity.Validators.Notation.Envelope;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Tests.Notation;

/// <summary>
/// RFC 3161 countersignatures (<c>io.cncf.notary.timestampSignature</c>) made at test time by a throwaway TSA: an
/// expired leaf is trusted when a timestamp by the trust root's <c>tsCert</c> shows it signed in time, and not
/// otherwise.
/// </summary>
public sealed class NotationTimestampTests : IDisposable
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string Image = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    private readonly NotationTestCa _ca = NotationTestCa.Create("Acme");
    private readonly TestTimestampAuthority _tsa = new();
    private readonly TestTimestampAuthority _otherTsa = new();
    private readonly NotationSignatureVerifier _verifier = new(TimeProvider.System);

    public void Dispose()
    {
        _ca.Dispose();
        _tsa.Dispose();
        _otherTsa.Dispose();
    }

    [Fact]
    public void ExpiredLeaf_TimestampedWhileValid_SatisfiesTheTrustRoot()
    {
        var verdict = Verify(_tsa, signedDaysAgo: 15);

        Assert.Equal(["acme"], verdict.SatisfiedRoots);
    }

    [Fact]
    public void ExpiredLeaf_TimestampedAfterExpiry_DoesNotSatisfyTheTrustRoot()
    {
        var verdict = Verify(_tsa, signedDaysAgo: 5);

        Assert.StartsWith("certificate \"CN=signer\" was not valid at the timestamp", verdict.Roots["acme"], StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredLeaf_TimestampByAnUntrustedTsa_DoesNotSatisfyTheTrustRoot()
    {
        var verdict = Verify(_otherTsa, signedDaysAgo: 15);

        Assert.Equal("the timestamp authority \"CN=Test TSA\" does not lead to the tsCert of trust root \"acme\"", verdict.Roots["acme"]);
    }

    [Fact]
    public void TimestampOverOtherBytes_DoesNotSatisfyTheTrustRoot()
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = NotationSigner.Jws(NotationSigner.Payload(ManifestType, Image, 1234), leaf, [leaf, _ca.Root], new NotationSignOptions
        {
            Timestamp = _ => _tsa.Stamp("something else"u8, now.AddDays(-15)),
        });

        Assert.Equal("the timestamp countersignature does not cover the signature value", VerifyEnvelope(envelope).Roots["acme"]);
    }

    private NotationVerdict Verify(TestTimestampAuthority tsa, int signedDaysAgo)
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = NotationSigner.Jws(NotationSigner.Payload(ManifestType, Image, 1234), leaf, [leaf, _ca.Root], new NotationSignOptions
        {
            SigningTime = now.AddDays(-15),
            Timestamp = signature => tsa.Stamp(signature, now.AddDays(-signedDaysAgo)),
        });
        return VerifyEnvelope(envelope);
    }

    private NotationVerdict VerifyEnvelope(byte[] envelope)
    {
        var root = new CertificateTrustRoot("acme", new X509Certificate2Collection(_ca.Root), new X509Certificate2Collection(_tsa.Root));
        var parsed = NotationEnvelopeReader.TryRead("application/jose+json", envelope, out var error);
        Assert.True(parsed is not null, error);
        return _verifier.Verify(parsed, new TargetArtifact(ManifestType, Image, 1234), [root], NotationVerificationLevel.Strict, NotationTimestampPolicy.Always);
    }
}
