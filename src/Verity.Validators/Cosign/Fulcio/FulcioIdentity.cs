using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Verity.Core.Trust;

namespace Verity.Validators.Cosign.Fulcio;

/// <summary>
/// The identity a Fulcio certificate vouches for: the OIDC issuer and the subject alternative names.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Issuer: extension 1.3.6.1.4.1.57264.1.8 (a DER UTF8String), or the deprecated
/// 1.3.6.1.4.1.57264.1.1 (the raw string as the extension value); if both are present they must agree
/// (Fulcio docs/oid-info.md).</item>
/// <item>Subjects: the SAN extension's (RFC 5280 §4.2.1.6) email addresses (rfc822Name), URIs, DNS names,
/// and Fulcio's otherName 1.3.6.1.4.1.57264.1.7 (a UTF8String username).</item>
/// </list>
/// A certificate without issuer or subject has no identity.
/// </remarks>
internal sealed record FulcioIdentity
{
    private const string IssuerV1Oid = "1.3.6.1.4.1.57264.1.1";
    private const string IssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
    private const string OtherNameOid = "1.3.6.1.4.1.57264.1.7";
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>The OIDC issuer.</summary>
    public required string Issuer { get; init; }

    /// <summary>The subject alternative names.</summary>
    public required ImmutableArray<string> Subjects { get; init; }

    /// <summary>Whether the certificate's identity satisfies <paramref name="expected"/> (the issuer and any one subject).</summary>
    public bool Satisfies(KeylessIdentity expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return Subjects.Any(subject => expected.Matches(Issuer, subject));
    }

    /// <summary>Reads the identity of <paramref name="certificate"/>.</summary>
    public static bool TryRead(X509Certificate2 certificate, [NotNullWhen(true)] out FulcioIdentity? identity, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        identity = null;
        string? v1 = null, v2 = null;
        var subjects = ImmutableArray.CreateBuilder<string>();
        try
        {
            foreach (var extension in certificate.Extensions)
            {
                switch (extension.Oid?.Value)
                {
                    case IssuerV1Oid:
                        v1 = new UTF8Encoding(false, true).GetString(extension.RawData);
                        break;
                    case IssuerV2Oid:
                    {
                        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
                        v2 = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
                        reader.ThrowIfNotEmpty();
                        break;
                    }

                    case SubjectAltNameOid:
                        ReadSubjectAltNames(extension.RawData, subjects);
                        break;
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or DecoderFallbackException)
        {
            error = $"the certificate's identity extensions cannot be read: {e.Message}";
            return false;
        }

        if (v1 is not null && v2 is not null && v1 != v2)
        {
            error = $"the certificate names two different issuers (\"{v2}\" and \"{v1}\")";
            return false;
        }

        var issuer = v2 ?? v1;
        if (string.IsNullOrEmpty(issuer))
        {
            error = "the certificate has no OIDC issuer extension (1.3.6.1.4.1.57264.1.8 or .1.1); it is not a Fulcio certificate";
            return false;
        }

        if (subjects.Count == 0)
        {
            error = "the certificate has no subject alternative name";
            return false;
        }

        identity = new FulcioIdentity { Issuer = issuer, Subjects = subjects.ToImmutable() };
        error = null;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{string.Join(", ", Subjects)} (issuer {Issuer})";

    private static void ReadSubjectAltNames(byte[] der, ImmutableArray<string>.Builder subjects)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific)
            {
                throw new AsnContentException("a GeneralName is not context-specific");
            }

            switch (tag.TagValue)
            {
                case 0:
                {
                    var otherName = names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                    var type = otherName.ReadObjectIdentifier();
                    var value = otherName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                    if (type == OtherNameOid)
                    {
                        subjects.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                    }

                    break;
                }

                case 1:
                case 2:
                case 6:
                    subjects.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, tag.TagValue)));
                    break;
                default:
                    names.ReadEncodedValue();
                    break;
            }
        }
    }
}
