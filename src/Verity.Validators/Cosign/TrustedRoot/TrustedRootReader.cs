using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// Reads the JSON form of a Sigstore <c>TrustedRoot</c> (protobuf-specs <c>dev.sigstore.trustroot.v1.TrustedRoot</c>,
/// media type <c>application/vnd.dev.sigstore.trustedroot+json;version=0.1</c>).
/// </summary>
/// <remarks>
/// Certificate chains are listed leaf (or intermediate) first and root last, as the specification requires.
/// For a timestamp authority, a first certificate that is not a CA is its signing certificate. Each log needs a
/// <c>logId.keyId</c> and a <c>publicKey.validFor.start</c> (as sigstore-go requires). Log keys are read as their
/// <c>keyDetails</c> say: <c>PKCS1_RSA_PKCS1V5</c> (and the deprecated <c>PKCS1_RSA_PSS</c>) as a PKCS#1 RSAPublicKey,
/// every <c>PKIX_*</c> RSA, ECDSA and Ed25519 form as a SubjectPublicKeyInfo of that algorithm (a missing
/// <c>keyDetails</c> too). A log whose key cannot be used (an unsupported algorithm such as ML-DSA, a key that does not
/// match its details, a tree hash other than SHA2_256) is kept as <see cref="TransparencyLog.Unusable"/>: only the
/// entries and SCTs of that log are unverifiable, never the whole root. Unknown fields are ignored. Media types
/// <c>application/vnd.dev.sigstore.trustedroot+json;version=0.1</c>, <c>application/vnd.dev.sigstore.trustedroot.v0.1+json</c> and
/// <c>application/vnd.dev.sigstore.trustedroot.v0.2+json</c>.
/// <para>Version 0.2 adds, per <c>sigstore_trustroot.proto</c>, a log's <c>checkpointKeyId</c> (a <c>LogId</c>: the key ID of its
/// checkpoint signatures, 4 bytes, or a 32-byte hash whose first 4 bytes are the key ID, as Rekor v2 roots set it equal to
/// <c>logId</c>) and an <c>operator</c> (a scheme-less URI such as <c>sigstore.dev</c>) on logs, certificate authorities and timestamp
/// authorities. A malformed value refuses the root, naming the field; null or empty is "not set", as in protobuf JSON. The
/// specification supports them only from 0.2 on, so a 0.1 root's are not read.</para>
/// </remarks>
internal static class TrustedRootReader
{
    private const string MediaType01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
    private const string MediaType01New = "application/vnd.dev.sigstore.trustedroot.v0.1+json";
    private const string MediaType02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";

    /// <summary>Reads a document.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out TrustedMaterial? material, [NotNullWhen(false)] out string? error)
    {
        return JsonInput.Try(() => Read(json), out material, out error);
    }

    private static TrustedMaterial Read(ReadOnlyMemory<byte> json)
    {
        using var document = JsonInput.Parse(json, "the trusted root");
        var root = JsonInput.RequireObject(document.RootElement, "trustedRoot");
        var mediaType = JsonInput.String(root, "mediaType", "trustedRoot");
        if (mediaType is not (MediaType01 or MediaType01New or MediaType02))
        {
            throw new FormatException($"trustedRoot.mediaType \"{mediaType}\" is not supported (expected \"{MediaType02}\", \"{MediaType01New}\" or \"{MediaType01}\")");
        }

        bool v02 = mediaType == MediaType02;
        return new TrustedMaterial(
            ReadEach(root, "certificateAuthorities", (e, path) => ReadCertificateAuthority(e, path, v02)),
            ReadEach(root, "tlogs", (e, path) => ReadLog(e, path, v02)),
            ReadEach(root, "ctlogs", (e, path) => ReadLog(e, path, v02)),
            ReadEach(root, "timestampAuthorities", (e, path) => ReadTimestampAuthority(e, path, v02)));
    }

    private static ImmutableArray<T> ReadEach<T>(JsonElement root, string name, Func<JsonElement, string, T> read)
    {
        var items = ImmutableArray.CreateBuilder<T>();
        int i = 0;
        foreach (var item in JsonInput.OptionalArray(root, name, "trustedRoot"))
        {
            var path = $"trustedRoot.{name}[{i++}]";
            items.Add(read(JsonInput.RequireObject(item, path), path));
        }

        return items.ToImmutable();
    }

    private static TransparencyLog ReadLog(JsonElement log, string path, bool v02)
    {
        var hash = JsonInput.String(log, "hashAlgorithm", path);
        var publicKey = JsonInput.Object(log, "publicKey", path);
        var raw = JsonInput.Base64(publicKey, "rawBytes", path + ".publicKey");
        var details = JsonInput.OptionalString(publicKey, "keyDetails", path + ".publicKey");
        if (!JsonInput.TryObject(publicKey, "validFor", path + ".publicKey", out var validFor) || !validFor.TryGetProperty("start", out _))
        {
            throw new FormatException($"{path}.publicKey.validFor.start is missing");
        }

        var logId = JsonInput.Object(log, "logId", path);
        VerificationKey? key = null;
        string? unusable;
        if (hash != "SHA2_256")
        {
            unusable = $"its tree hash algorithm {hash} is not supported (SHA2_256)";
        }
        else
        {
            TryReadKey(raw, details, out key, out unusable);
        }

        return new TransparencyLog
        {
            LogId = JsonInput.Base64(logId, "keyId", path + ".logId"),
            Key = key,
            Unusable = unusable is null ? null : $"{path}.publicKey: {unusable}",
            KeyDetails = details,
            Validity = ReadValidity(validFor, path + ".publicKey.validFor"),
            BaseUrl = JsonInput.OptionalString(log, "baseUrl", path),
            CheckpointKeyId = v02 ? ReadCheckpointKeyId(log, path) : ReadOnlyMemory<byte>.Empty,
            Operator = v02 ? ReadOperator(log, path) : null,
        };
    }

    /// <summary>A v0.2 log's <c>checkpointKeyId.keyId</c>: 4 bytes (a C2SP key ID) or 32 (the hash it is cut from); empty when not set.</summary>
    private static ReadOnlyMemory<byte> ReadCheckpointKeyId(JsonElement log, string path)
    {
        if (!JsonInput.TryObject(log, "checkpointKeyId", path, out var checkpointKeyId))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var keyId = JsonInput.Base64(checkpointKeyId, "keyId", path + ".checkpointKeyId");
        return keyId.Length is 4 or 32
            ? keyId
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"{path}.checkpointKeyId.keyId has {keyId.Length} bytes (expected a 4-byte key ID, or the 32-byte hash whose first 4 bytes are the key ID)"));
    }

    /// <summary>A v0.2 <c>operator</c>: a scheme-less URI (<c>sigstore.dev</c>); null when not set.</summary>
    private static string? ReadOperator(JsonElement parent, string path)
    {
        var value = JsonInput.OptionalString(parent, "operator", path);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        bool valid = !value.Contains("://", StringComparison.Ordinal)
            && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            && Uri.TryCreate("https://" + value, UriKind.Absolute, out var uri)
            && uri.Host.Length > 0
            && string.IsNullOrEmpty(uri.UserInfo);
        return valid ? value : throw new FormatException($"{path}.operator \"{value}\" is not a scheme-less URI such as \"sigstore.dev\"");
    }

    /// <summary>A log key as its <c>keyDetails</c> (protobuf-specs <c>PublicKeyDetails</c>) say it is encoded.</summary>
    private static bool TryReadKey(byte[] raw, string? details, out VerificationKey? key, out string? problem)
    {
        key = null;
        KeyAlgorithm[] expected;
        bool pkcs1 = false;
        switch (details)
        {
            case "PKCS1_RSA_PKCS1V5" or "PKCS1_RSA_PSS":
                pkcs1 = true;
                expected = [KeyAlgorithm.Rsa];
                break;
            case "PKIX_RSA_PKCS1V5" or "PKIX_RSA_PSS" or "PKIX_RSA_PKCS1V15_2048_SHA256" or "PKIX_RSA_PKCS1V15_3072_SHA256" or "PKIX_RSA_PKCS1V15_4096_SHA256"
                or "PKIX_RSA_PSS_2048_SHA256" or "PKIX_RSA_PSS_3072_SHA256" or "PKIX_RSA_PSS_4096_SHA256":
                expected = [KeyAlgorithm.Rsa];
                break;
            case "PKIX_ECDSA_P256_SHA_256" or "PKIX_ECDSA_P256_HMAC_SHA_256":
                expected = [KeyAlgorithm.EcdsaP256];
                break;
            case "PKIX_ECDSA_P384_SHA_384" or "PKIX_ECDSA_P384_SHA_256":
                expected = [KeyAlgorithm.EcdsaP384];
                break;
            case "PKIX_ECDSA_P521_SHA_512" or "PKIX_ECDSA_P521_SHA_256":
                expected = [KeyAlgorithm.EcdsaP521];
                break;
            case "PKIX_ED25519" or "PKIX_ED25519_PH":
                expected = [KeyAlgorithm.Ed25519];
                break;
            case null or "" or "PUBLIC_KEY_DETAILS_UNSPECIFIED":
                expected = Enum.GetValues<KeyAlgorithm>();
                break;
            default:
                problem = $"the key details {details} are not supported (RSA, ECDSA P-256/P-384/P-521, Ed25519)";
                return false;
        }

        byte[] spki = raw;
        if (pkcs1)
        {
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportRSAPublicKey(raw, out int read);
                if (read != raw.Length)
                {
                    problem = "the PKCS#1 RSA key has trailing bytes";
                    return false;
                }

                spki = rsa.ExportSubjectPublicKeyInfo();
            }
            catch (CryptographicException e)
            {
                problem = $"the key is not a DER PKCS#1 RSAPublicKey, as {details} says: {e.Message}";
                return false;
            }
        }

        if (!VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var parsed, out var error))
        {
            problem = details is null ? error : $"{error} ({details})";
            return false;
        }

        if (!expected.Contains(parsed.Algorithm))
        {
            problem = $"the key is {parsed.Algorithm}, not what its key details {details} say";
            return false;
        }

        key = parsed;
        problem = null;
        return true;
    }

    private static CertificateAuthority ReadCertificateAuthority(JsonElement authority, string path, bool v02)
    {
        var chain = ReadChain(authority, path);
        return new CertificateAuthority(
            chain[^1],
            chain[..^1],
            JsonInput.TryObject(authority, "validFor", path, out var validFor) ? ReadValidity(validFor, path + ".validFor") : ValidityPeriod.Unbounded,
            JsonInput.OptionalString(authority, "uri", path))
        {
            Operator = v02 ? ReadOperator(authority, path) : null,
        };
    }

    private static TimestampAuthority ReadTimestampAuthority(JsonElement authority, string path, bool v02)
    {
        var chain = ReadChain(authority, path);
        X509Certificate2? leaf = null;
        var intermediates = chain[..^1];
        if (chain.Length > 1 && !IsCa(chain[0]))
        {
            leaf = chain[0];
            intermediates = chain[1..^1];
        }

        return new TimestampAuthority(
            chain[^1],
            intermediates,
            leaf,
            JsonInput.TryObject(authority, "validFor", path, out var validFor) ? ReadValidity(validFor, path + ".validFor") : ValidityPeriod.Unbounded,
            JsonInput.OptionalString(authority, "uri", path))
        {
            Operator = v02 ? ReadOperator(authority, path) : null,
        };
    }

    private static ImmutableArray<X509Certificate2> ReadChain(JsonElement authority, string path)
    {
        var chain = JsonInput.Object(authority, "certChain", path);
        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        int i = 0;
        foreach (var certificate in JsonInput.Array(chain, "certificates", path + ".certChain").EnumerateArray())
        {
            var certificatePath = $"{path}.certChain.certificates[{i++}]";
            var der = JsonInput.Base64(JsonInput.RequireObject(certificate, certificatePath), "rawBytes", certificatePath);
            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (CryptographicException e)
            {
                throw new FormatException($"{certificatePath} is not a DER certificate: {e.Message}", e);
            }
        }

        return certificates.Count > 0 ? certificates.ToImmutable() : throw new FormatException($"{path}.certChain.certificates is empty");
    }

    private static ValidityPeriod ReadValidity(JsonElement validFor, string path)
    {
        return new ValidityPeriod(ReadTime(validFor, "start", path), ReadTime(validFor, "end", path));
    }

    private static DateTimeOffset? ReadTime(JsonElement parent, string name, string path)
    {
        var text = JsonInput.OptionalString(parent, name, path);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"{path}.{name} \"{text}\" is not an RFC 3339 time");
    }

    private static bool IsCa(X509Certificate2 certificate)
    {
        return certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
    }
}
