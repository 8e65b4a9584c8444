using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Fulcio;

namespace Verity.Validators.Tests.Cosign.Fulcio;

/// <summary>Fulcio's identity extensions (fulcio docs/oid-info.md) and SAN forms.</summary>
public sealed class FulcioIdentityTests
{
    [Fact]
    public void TryRead_OtherNameSan_IsASubject()
    {
        using var certificate = Certificate(OtherNameSan("alice!example.test"), issuerV2: "https://dex.example.test");

        Assert.True(FulcioIdentity.TryRead(certificate, out var identity, out var error), error);
        Assert.Equal("alice!example.test", Assert.Single(identity.Subjects));
        Assert.True(identity.Satisfies(new KeylessIdentity { Issuer = "https://dex.example.test", Subject = "alice!example.test" }));
    }

    [Fact]
    public void TryRead_LegacyIssuerOnly_IsUsed()
    {
        using var certificate = Certificate(EmailSan("a@example.test"), issuerV1: "https://accounts.example.test");

        Assert.True(FulcioIdentity.TryRead(certificate, out var identity, out _));
        Assert.Equal("https://accounts.example.test", identity.Issuer);
    }

    [Fact]
    public void TryRead_TwoDifferentIssuers_IsRefused()
    {
        using var certificate = Certificate(EmailSan("a@example.test"), issuerV1: "https://one.example.test", issuerV2: "https://two.example.test");

        Assert.False(FulcioIdentity.TryRead(certificate, out _, out var error));
        Assert.Contains("two different issuers", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NoIssuer_IsNotAFulcioCertificate()
    {
        using var certificate = Certificate(EmailSan("a@example.test"));

        Assert.False(FulcioIdentity.TryRead(certificate, out _, out var error));
        Assert.Contains("not a Fulcio certificate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Satisfies_AnySubjectMayMatch_ButIssuerMust()
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress("a@example.test");
        san.AddUri(new Uri("https://github.com/acme/app/.github/workflows/x.yml@refs/heads/main"));
        using var certificate = Certificate(san.Build(true), issuerV2: "https://token.actions.githubusercontent.com");
        Assert.True(FulcioIdentity.TryRead(certificate, out var identity, out _));

        Assert.True(identity.Satisfies(new KeylessIdentity { Issuer = "https://token.actions.githubusercontent.com", Subject = "a@example.test" }));
        Assert.True(identity.Satisfies(new KeylessIdentity { Issuer = "https://token.actions.githubusercontent.com", SubjectRegex = KeylessIdentity.Anchored(@"https://github\.com/acme/.*") }));
        Assert.False(identity.Satisfies(new KeylessIdentity { Issuer = "https://token.actions.githubusercontent.com/", Subject = "a@example.test" }));
        Assert.False(identity.Satisfies(new KeylessIdentity { IssuerRegex = KeylessIdentity.Anchored("token"), Subject = "a@example.test" }));
    }

    private static X509Extension EmailSan(string email)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(email);
        return san.Build(true);
    }

    private static X509Extension OtherNameSan(string name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            writer.WriteObjectIdentifier("1.3.6.1.4.1.57264.1.7");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, name);
            }
        }

        return new X509Extension("2.5.29.17", writer.Encode(), true);
    }

    private static X509Certificate2 Certificate(X509Extension san, string? issuerV1 = null, string? issuerV2 = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(san);
        if (issuerV1 is not null)
        {
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.1", Encoding.UTF8.GetBytes(issuerV1), false));
        }

        if (issuerV2 is not null)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, issuerV2);
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.8", writer.Encode(), false));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
    }
}
