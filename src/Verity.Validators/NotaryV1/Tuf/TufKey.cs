using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// A public key as TUF metadata lists it (TUF §4.2 KEY; Notary's <c>data.TUFKey</c>), with its key ID and,
/// when the key can be used, the parsed <see cref="VerificationKey"/>.
/// </summary>
/// <remarks>
/// <para>Key types, as Notary's <c>tuf/signed/verifiers.go</c> reads them: <c>ecdsa</c> and <c>rsa</c> hold
/// a DER SubjectPublicKeyInfo; <c>ecdsa-x509</c> and <c>rsa-x509</c> hold a PEM certificate whose public key
/// is used (the certificate's validity period and subject are not checked, as in Notary's verifiers);
/// <c>ed25519</c> holds the raw 32-byte key. The key's algorithm must agree with its type. Any other type,
/// or content that does not parse, gives a key that verifies nothing (<see cref="Key"/> is null and
/// <see cref="Problem"/> says why), as in Notary.</para>
/// <para>The key ID is computed, not taken from the metadata: the hex SHA-256 of the canonical JSON of
/// <c>{"keytype":…,"keyval":{"private":null,"public":…}}</c>, with <c>public</c> the base64 of the public
/// bytes (Notary's <c>TUFKey.ID()</c>). For x509 types the public bytes are the PEM text, so the ID names the
/// certificate, not the key inside it.</para>
/// </remarks>
internal sealed class TufKey
{
    private readonly Lazy<(VerificationKey? Key, string? Problem, string? CommonName)> _parsed;

    private TufKey(string keyType, byte[] publicBytes, string id, TufKeyCache? cache)
    {
        KeyType = keyType;
        PublicBytes = publicBytes;
        Id = id;

        // Importing a key costs far more than reading the metadata that lists it, and most listed keys
        // (delegation keys of roles not searched) are never used: parse on first use.
        _parsed = new(() => (TryParseKey(keyType, publicBytes, cache, out var problem, out var commonName), problem, commonName), LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>The <c>keytype</c>, e.g. <c>ecdsa-x509</c>.</summary>
    public string KeyType { get; }

    /// <summary>The decoded <c>keyval.public</c>.</summary>
    public byte[] PublicBytes { get; }

    /// <summary>The key ID computed from the key's content.</summary>
    public string Id { get; }

    /// <summary>The public key, or null if this key cannot verify anything.</summary>
    public VerificationKey? Key => _parsed.Value.Key;

    /// <summary>Why <see cref="Key"/> is null.</summary>
    public string? Problem => _parsed.Value.Problem;

    /// <summary>
    /// For an <c>ecdsa-x509</c> or <c>rsa-x509</c> key whose certificate can be used, the certificate subject's one
    /// common name (CN); null for other key types, and for a certificate whose subject has no CN or more than one.
    /// </summary>
    /// <remarks>Notary's client (<c>trustpinning.ValidateRoot</c>, <c>validRootLeafCerts</c>) only counts a root
    /// certificate whose CN is the collection's GUN, which binds the root to one collection.</remarks>
    public string? CertificateCommonName => _parsed.Value.CommonName;

    /// <summary>Whether this is an x509 key type (<c>ecdsa-x509</c>, <c>rsa-x509</c>): a key wrapped in a certificate.</summary>
    public bool IsCertificate => KeyType is "ecdsa-x509" or "rsa-x509";

    /// <summary>Creates a key from its type and public bytes.</summary>
    /// <param name="keyType">The <c>keytype</c>.</param>
    /// <param name="publicBytes">The decoded <c>keyval.public</c>.</param>
    /// <param name="cache">Where the key and certificate read before are kept, to be read once per process; null to read
    /// them for this key alone.</param>
    public static TufKey Create(string keyType, byte[] publicBytes, TufKeyCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(keyType);
        ArgumentNullException.ThrowIfNull(publicBytes);
        return new TufKey(keyType, publicBytes, ComputeId(keyType, publicBytes), cache);
    }

    /// <summary>Reads a KEY object.</summary>
    /// <param name="element">The object.</param>
    /// <param name="where">Where it is, for messages.</param>
    /// <param name="cache">As for <see cref="Create"/>.</param>
    /// <exception cref="MalformedMetadataException">The object is malformed.</exception>
    public static TufKey Read(JsonElement element, string where, TufKeyCache? cache = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where} is not an object");
        }

        var keyType = MetadataReader.ReadString(MetadataReader.Required(element, "keytype", where), where + ".keytype");
        var keyValue = MetadataReader.Required(element, "keyval", where);
        if (keyValue.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where}.keyval is not an object");
        }

        var publicBytes = MetadataReader.ReadBase64(MetadataReader.Required(keyValue, "public", where + ".keyval"), where + ".keyval.public");
        if (keyValue.TryGetProperty("private", out var privateElement)
            && privateElement.ValueKind != JsonValueKind.Null
            && !(privateElement.ValueKind == JsonValueKind.String && privateElement.ValueEquals(string.Empty)))
        {
            throw new MalformedMetadataException($"{where} carries private key material");
        }

        return Create(keyType, publicBytes, cache);
    }

    /// <summary>Notary's key ID for a key of <paramref name="keyType"/> with <paramref name="publicBytes"/>.</summary>
    public static string ComputeId(string keyType, ReadOnlySpan<byte> publicBytes)
    {
        ArgumentNullException.ThrowIfNull(keyType);

        // {"keytype":<t>,"keyval":{"private":null,"public":<base64>}}: MarshalCanonical of TUFKey, whose
        // struct fields are sorted by name in canonical mode.
        var buffer = new ArrayBufferWriter<byte>(256 + (publicBytes.Length * 4 / 3));
        buffer.Write("{\"keytype\":"u8);
        OlpcCanonicalJson.WriteString(keyType, buffer);
        buffer.Write(",\"keyval\":{\"private\":null,\"public\":\""u8);
        buffer.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(publicBytes)));
        buffer.Write("\"}}"u8);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{KeyType} key {Id}";

    private static VerificationKey? TryParseKey(string keyType, byte[] publicBytes, TufKeyCache? cache, out string? problem, out string? commonName)
    {
        VerificationKey? key;
        commonName = null;
        switch (keyType)
        {
            case "ecdsa":
            case "rsa":
                if (!TryReadSubjectPublicKeyInfo(publicBytes, cache, out key, out problem))
                {
                    return null;
                }

                break;
            case "ecdsa-x509":
            case "rsa-x509":
                key = TryReadCertificateKey(publicBytes, cache, out problem, out commonName);
                if (key is null)
                {
                    return null;
                }

                break;
            case "ed25519":
                if (publicBytes.Length != 32)
                {
                    problem = $"an ed25519 key has 32 bytes, not {publicBytes.Length}";
                    return null;
                }

                // SubjectPublicKeyInfo for id-Ed25519 (RFC 8410 §4): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }.
                byte[] spki = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. publicBytes];
                if (!TryReadSubjectPublicKeyInfo(spki, cache, out key, out problem))
                {
                    return null;
                }

                break;
            default:
                problem = $"key type \"{keyType}\" is not supported";
                return null;
        }

        var family = key.Algorithm switch
        {
            KeyAlgorithm.Rsa => "rsa",
            KeyAlgorithm.Ed25519 => "ed25519",
            _ => "ecdsa",
        };
        if (!keyType.StartsWith(family, StringComparison.Ordinal))
        {
            problem = $"a {keyType} key holds a {key.Algorithm} key";
            commonName = null;
            return null;
        }

        problem = null;
        return key;
    }

    private static bool TryReadSubjectPublicKeyInfo(
        byte[] spki, TufKeyCache? cache, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? problem)
    {
        return cache is null
            ? VerificationKey.TryFromSubjectPublicKeyInfo(spki, out key, out problem)
            : cache.TryGetKey(spki, out key, out problem);
    }

    private static VerificationKey? TryReadCertificateKey(byte[] pemBytes, TufKeyCache? cache, out string? problem, out string? commonName)
    {
        commonName = null;
        string pem;
        try
        {
            pem = MetadataJson.StrictUtf8.GetString(pemBytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "the certificate is not PEM text";
            return null;
        }

        // Like Go's pem.Decode: the first PEM block is used.
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != "CERTIFICATE")
        {
            problem = "the key holds no PEM certificate";
            return null;
        }

        TufKeyCache.CertificateKey? read;
        try
        {
            var der = Convert.FromBase64String(pem[fields.Base64Data]);
            if (cache is null || !cache.TryGetCertificate(der, out read))
            {
                using var certificate = X509CertificateLoader.LoadCertificate(der);
                read = new TufKeyCache.CertificateKey(certificate.PublicKey.ExportSubjectPublicKeyInfo(), SingleCommonName(certificate.SubjectName));
                cache?.AddCertificate(der, read);
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            problem = $"the certificate cannot be read: {e.Message}";
            return null;
        }

        if (!TryReadSubjectPublicKeyInfo(read.SubjectPublicKeyInfo, cache, out var key, out problem))
        {
            return null;
        }

        commonName = read.CommonName;
        return key;
    }

    /// <summary>The value of the subject's only CN attribute; null when there is none or more than one (Go's
    /// <c>pkix.Name</c> keeps the last of several, so a name with two could be read two ways).</summary>
    private static string? SingleCommonName(X500DistinguishedName subject)
    {
        string? commonName = null;
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                // A multi-valued RDN may hide a CN among its elements: refuse to guess.
                return null;
            }

            if (rdn.GetSingleElementType().Value == "2.5.4.3")
            {
                if (commonName is not null)
                {
                    return null;
                }

                commonName = rdn.GetSingleElementValue();
            }
        }

        return commonName;
    }
}
