using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;
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
/// removed (a certificate with two SCT lists is refused, as certificate-transparency-go's <c>RemoveSCTList</c> does),
/// and the issuer key hash is over the issuer certificate's SubjectPublicKeyInfo exactly as it is encoded there.
/// An SCT counts if its log ID names a CT log of the trusted material, its timestamp lies in that log key's
/// validity, and its <c>digitally-signed</c> signature (RFC 5246 §4.7) verifies with that key under the rules of
/// RFC 6962 §2.1.4: SHA-256, and either ECDSA on P-256 (signature algorithm 3, a DER <c>Ecdsa-Sig-Value</c>) or RSA
/// of at least 2048 bits (signature algorithm 1, RSASSA-PKCS1-v1_5; never PSS). The signature algorithm the SCT
/// names must be the log key's.
/// </remarks>
internal static class EmbeddedScts
{
    /// <summary>The X.509 extension holding the SCT list.</summary>
    public const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    // TLS 1.2 HashAlgorithm sha256 and SignatureAlgorithm rsa and ecdsa (RFC 5246 §7.4.1.4.1).
    private const byte TlsSha256 = 4;
    private const byte TlsRsa = 1;
    private const byte TlsEcdsa = 3;

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
        byte[] issuerKeyHash;
        try
        {
            scts = ParseList(extension.RawData);
            tbs = TbsWithoutSctList(leaf.RawData);
            issuerKeyHash = SHA256.HashData(SubjectPublicKeyInfo(issuer.RawData).Span);
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            error = $"the certificate's SCT list cannot be read: {e.Message}";
            return false;
        }

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

            if (!VerifySignature(sct, key, SignedData(sct, issuerKeyHash, tbs), out var signatureError))
            {
                reasons.Add($"an SCT from {log} {signatureError}");
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

    /// <summary>
    /// Verifies an SCT's <c>digitally-signed</c> signature as RFC 6962 §2.1.4 lets a log sign: SHA-256 with ECDSA P-256 or
    /// with RSA PKCS#1 v1.5, under the signature algorithm the SCT names, which must be the key's.
    /// </summary>
    /// <param name="sct">The SCT.</param>
    /// <param name="key">The key of the CT log its log ID names.</param>
    /// <param name="signedData">What it signs (<see cref="SignedData"/>).</param>
    /// <param name="error">Why not, as the end of a sentence that starts with the SCT (e.g. <c>does not verify with …</c>).</param>
    public static bool VerifySignature(Sct sct, VerificationKey key, ReadOnlySpan<byte> signedData, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(sct);
        ArgumentNullException.ThrowIfNull(key);
        if (sct.HashAlgorithm != TlsSha256)
        {
            error = $"hashes with TLS hash algorithm {sct.HashAlgorithm}, not SHA-256 ({TlsSha256}), which RFC 6962 §2.1.4 requires";
            return false;
        }

        byte expected;
        switch (key.Algorithm)
        {
            case KeyAlgorithm.Rsa:
                expected = TlsRsa;
                break;
            case KeyAlgorithm.EcdsaP256:
                expected = TlsEcdsa;
                break;
            default:
                error = $"cannot be verified: the log's key is {key.Algorithm}, and RFC 6962 §2.1.4 allows a CT log only ECDSA P-256 or RSA";
                return false;
        }

        if (sct.SignatureAlgorithm != expected)
        {
            error = $"names TLS signature algorithm {sct.SignatureAlgorithm}, but the log's key is {key.Algorithm} ({expected})";
            return false;
        }

        // SignatureEncoding.Default is a DER Ecdsa-Sig-Value for ECDSA and RSASSA-PKCS1-v1_5 for RSA, the only padding a
        // TLS 1.2 digitally-signed struct (RFC 5246 §4.7) has: a PSS signature by the same key is not an SCT.
        if (!SignatureVerifier.Verify(key, signedData, sct.Signature.Span, SignatureEncoding.Default, HashAlgorithmName.SHA256))
        {
            error = "does not verify with the log's key";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The DER SubjectPublicKeyInfo of a certificate, exactly as it is encoded in it (RFC 6962 §3.2 hashes these bytes).</summary>
    public static ReadOnlyMemory<byte> SubjectPublicKeyInfo(byte[] certificate)
    {
        var tbs = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        var version = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.PeekTag() == version)
        {
            tbs.ReadEncodedValue();
        }

        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadEncodedValue(); // signature
        tbs.ReadEncodedValue(); // issuer
        tbs.ReadEncodedValue(); // validity
        tbs.ReadEncodedValue(); // subject
        return tbs.ReadEncodedValue(); // subjectPublicKeyInfo
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
                int removed = 0;
                while (extensions.HasData)
                {
                    var encoded = extensions.ReadEncodedValue();
                    var extension = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
                    if (extension.ReadObjectIdentifier() != SctListOid)
                    {
                        kept.Add(encoded);
                    }
                    else if (++removed > 1)
                    {
                        // X.509 allows an extension once (RFC 5280 §4.2); which list would the SCTs be read from?
                        throw new FormatException("the certificate has more than one SCT list extension");
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
