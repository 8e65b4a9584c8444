using Verity.Validators.Cosign.Crypto;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Fulcio;

/// <summary>
/// Verifies the signed certificate timestamps embedded in a Fulcio certificate (RFC 6962 §3.3), which show that
/// the certificate was submitted to a certificate transparency log.
/// </summary>
/// <remarks>
/// The SCT list is the extension 1.3.6.1.4.1.11129.2.4.2: an OCTET STRING holding a TLS
/// <c>SignedCertificateTimestampList</c>. Each v1 SCT signs (RFC 6962 §3.2) the precertificate entry:
/// <c>version(0) ‖ signature_type(0) ‖ timestamp(8) ‖ entry_type(1 = precert, 2 bytes) ‖
/// SHA-256(issuer SubjectPublicKeyInfo) ‖ uint24 length ‖ TBSCertificate without the SCT extension ‖
/// uint16 length ‖ extensions</c>. The TBSCertificate is re-encoded from the leaf with that one extension
/// removed. An SCT counts if its log ID names a CT log of the trusted material, its timestamp lies in that
/// log key's validity, and its signature verifies with that key.
/// </remarks>
internal static class EmbeddedScts
{
    /// <summary>The X.509 extension holding the SCT list.</summary>
    public const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    /// <summary>Whether at least one embedded SCT of <paramref name="leaf"/> verifies.</summary>
    /// <param name="leaf">The certificate.</param>
    /// <param name="issuer">The certificate that issued it (for the issuer key hash).</param>
    /// <param name="material">The trusted CT logs.</param>
    /// <param name="error">Why none verifies.</param>
    public static bool VerifyAny(X509Certificate2 leaf, X509Certificate2 issuer, TrustedMaterial material, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(material);
        var extension = leaf.Extensions[SctListOid];
        if (extension is null)
        {
            error = "the certificate has no embedded SCT";
            return false;
        }

        ImmutableArray<Sct> scts;
        byte[] tbs;
        try
        {
            scts = ParseList(extension.RawData);
            tbs = TbsWithoutSctList(leaf.RawData);
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            error = $"the certificate's SCT list cannot be read: {e.Message}";
            return false;
        }

        var issuerKeyHash = SHA256.HashData(issuer.PublicKey.ExportSubjectPublicKeyInfo());
        var reasons = new List<string>();
        foreach (var sct in scts)
        {
            var log = material.FindCtLog(sct.LogId.Span);
            if (log is null)
            {
                reasons.Add($"an SCT is from CT log {Convert.ToHexStringLower(sct.LogId.Span)}, which is not trusted");
                continue;
            }

            if (log.Key is not { } key)
            {
                reasons.Add($"an SCT is from {log}, whose key cannot be used ({log.Unusable})");
                continue;
            }

            var time = DateTimeOffset.FromUnixTimeMilliseconds(sct.Timestamp);
            if (!log.Validity.Contains(time))
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"an SCT is dated {time:u}, outside the validity of {log}"));
                continue;
            }

            HashAlgorithmName? hash = sct.HashAlgorithm switch
            {
                4 => HashAlgorithmName.SHA256,
                5 => HashAlgorithmName.SHA384,
                6 => HashAlgorithmName.SHA512,
                _ => null,
            };
            if (hash is null || !SigningAlgorithms.Verify(key, SignedData(sct, issuerKeyHash, tbs), sct.Signature.Span, hash.Value))
            {
                reasons.Add($"an SCT signature does not verify with the key of {log}");
                continue;
            }

            error = null;
            return true;
        }

        error = reasons.Count == 0 ? "the certificate's SCT list is empty" : string.Join("; ", reasons.Distinct());
        return false;
    }

    /// <summary>The RFC 6962 §3.2 <c>digitally-signed</c> input of a precertificate SCT.</summary>
    public static byte[] SignedData(Sct sct, ReadOnlySpan<byte> issuerKeyHash, ReadOnlySpan<byte> tbs)
    {
        ArgumentNullException.ThrowIfNull(sct);
        using var stream = new MemoryStream();
        Span<byte> buffer = stackalloc byte[8];
        stream.WriteByte(0); // sct_version v1
        stream.WriteByte(0); // signature_type certificate_timestamp
        BinaryPrimitives.WriteUInt64BigEndian(buffer, (ulong)sct.Timestamp);
        stream.Write(buffer);
        stream.WriteByte(0);
        stream.WriteByte(1); // entry_type precert_entry
        stream.Write(issuerKeyHash);
        stream.WriteByte((byte)(tbs.Length >> 16));
        stream.WriteByte((byte)(tbs.Length >> 8));
        stream.WriteByte((byte)tbs.Length);
        stream.Write(tbs);
        stream.WriteByte((byte)(sct.Extensions.Length >> 8));
        stream.WriteByte((byte)sct.Extensions.Length);
        stream.Write(sct.Extensions.Span);
        return stream.ToArray();
    }

    /// <summary>Parses the extension value into SCTs.</summary>
    public static ImmutableArray<Sct> ParseList(byte[] extensionValue)
    {
        var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
        var list = reader.ReadOctetString();
        reader.ThrowIfNotEmpty();
        ReadOnlyMemory<byte> span = list;
        int total = ReadUInt16(ref span);
        if (total != span.Length)
        {
            throw new FormatException("the SCT list length does not match its content");
        }

        var scts = ImmutableArray.CreateBuilder<Sct>();
        while (!span.IsEmpty)
        {
            int length = ReadUInt16(ref span);
            var sct = Take(ref span, length);
            scts.Add(ParseSct(sct));
        }

        return scts.ToImmutable();
    }

    /// <summary>The DER TBSCertificate of <paramref name="certificate"/> with the SCT list extension removed.</summary>
    public static byte[] TbsWithoutSctList(byte[] certificate)
    {
        var outer = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            while (tbs.HasData)
            {
                if (tbs.PeekTag() != extensionsTag)
                {
                    writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }

                var explicitExtensions = tbs.ReadSequence(extensionsTag);
                var extensions = explicitExtensions.ReadSequence();
                explicitExtensions.ThrowIfNotEmpty();
                var kept = new List<ReadOnlyMemory<byte>>();
                while (extensions.HasData)
                {
                    var encoded = extensions.ReadEncodedValue();
                    var extension = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
                    if (extension.ReadObjectIdentifier() != SctListOid)
                    {
                        kept.Add(encoded);
                    }
                }

                if (kept.Count > 0)
                {
                    using (writer.PushSequence(extensionsTag))
                    using (writer.PushSequence())
                    {
                        foreach (var extension in kept)
                        {
                            writer.WriteEncodedValue(extension.Span);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static Sct ParseSct(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes;
        var version = Take(ref span, 1).Span[0];
        if (version != 0)
        {
            throw new FormatException($"SCT version {version} is not supported (v1)");
        }

        var logId = Take(ref span, 32);
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(Take(ref span, 8).Span);
        var extensions = Take(ref span, ReadUInt16(ref span));
        var hash = Take(ref span, 1).Span[0];
        var signatureAlgorithm = Take(ref span, 1).Span[0];
        var signature = Take(ref span, ReadUInt16(ref span));
        if (!span.IsEmpty || timestamp > long.MaxValue)
        {
            throw new FormatException("an SCT has trailing bytes");
        }

        return new Sct(logId, (long)timestamp, extensions, hash, signatureAlgorithm, signature);
    }

    private static int ReadUInt16(ref ReadOnlyMemory<byte> span)
    {
        return BinaryPrimitives.ReadUInt16BigEndian(Take(ref span, 2).Span);
    }

    private static ReadOnlyMemory<byte> Take(ref ReadOnlyMemory<byte> span, int count)
    {
        if (span.Length < count)
        {
            throw new FormatException("the SCT list is truncated");
        }

        var head = span[..count];
        span = span[count..];
        return head;
    }
}
