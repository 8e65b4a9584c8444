using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// The fields of a Rekor entry body that tie it to one signature: the signature bytes, the signer's key or
/// certificate, and the digest of what was signed.
/// </summary>
/// <remarks>
/// Kinds read (Rekor's <c>pkg/types</c> schemas, and rekor-tiles' <c>dev.sigstore.rekor.v2.Entry</c> in protobuf JSON):
/// <list type="bullet">
/// <item><c>hashedrekord</c> 0.0.1: <c>spec.signature.content</c> (base64), <c>spec.signature.publicKey.content</c>
/// (base64 of a PEM key or certificate), <c>spec.data.hash</c> (sha256, sha384 or sha512 of the signed artifact).</item>
/// <item><c>intoto</c> 0.0.2: <c>spec.content.envelope.signatures[0].sig</c> (base64 of the base64 signature),
/// <c>…publicKey</c> (base64 PEM), <c>spec.content.envelope.payloadType</c>, <c>spec.content.payloadHash</c> (sha256 of
/// the DSSE payload, computed by Rekor) and <c>spec.content.hash</c> (sha256 of the envelope's JSON as the client sent
/// it; Rekor does not check it, cosign compares it with the attestation layer).</item>
/// <item><c>intoto</c> 0.0.1 (what <c>cosign attest --rekor-entry-type intoto</c> uploads): <c>spec.publicKey</c> (base64
/// PEM), <c>spec.content.hash</c> (sha256 of the envelope's JSON as submitted, computed by Rekor after it verified the
/// envelope's signature) and, in entries since 2022, <c>spec.content.payloadHash</c>. It does not log the signature:
/// only the envelope hash binds the entry to an envelope.</item>
/// <item><c>dsse</c> 0.0.1: <c>spec.signatures[0].signature</c> (base64), <c>…verifier</c> (base64 PEM),
/// <c>spec.payloadHash</c>.</item>
/// <item>Rekor v2 <c>hashedrekord</c> 0.0.2: <c>spec.hashedRekordV002.data</c> (<c>{algorithm: SHA2_256|SHA2_384|SHA2_512,
/// digest}</c>: of the artifact, or of the DSSE pre-authentication encoding when a DSSE envelope is logged this way)
/// and <c>….signature</c> (<c>{content, verifier: {publicKey: {rawBytes} | x509Certificate: {rawBytes}, keyDetails}}</c>,
/// DER).</item>
/// <item>Rekor v2 <c>dsse</c> 0.0.2: <c>spec.dsseV002.payloadHash</c> (of the DSSE payload) and
/// <c>….signatures[0]</c> (<c>{content, verifier}</c>).</item>
/// </list>
/// DSSE kinds must hold exactly one signature.
/// </remarks>
internal sealed record RekorEntryBody
{
    /// <summary>The kind, e.g. <c>hashedrekord</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The API version, e.g. <c>0.0.1</c>.</summary>
    public required string ApiVersion { get; init; }

    /// <summary>The signature the entry logs.</summary>
    public required ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>The DER of the logged PEM block (a certificate or a SubjectPublicKeyInfo).</summary>
    public required ReadOnlyMemory<byte> VerifierDer { get; init; }

    /// <summary>Whether the logged PEM block is a certificate (else a public key).</summary>
    public required bool VerifierIsCertificate { get; init; }

    /// <summary>The hash algorithm of <see cref="Digest"/>.</summary>
    public HashAlgorithmName DigestAlgorithm { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>The digest the entry logs: of the artifact (hashedrekord; for a DSSE envelope logged as a Rekor v2
    /// hashedrekord, of its pre-authentication encoding) or of the DSSE payload (intoto, dsse).</summary>
    public required ReadOnlyMemory<byte> Digest { get; init; }

    /// <summary>Whether <see cref="Signature"/> is logged (every kind but <c>intoto</c> 0.0.1, whose body binds the
    /// envelope by <see cref="EnvelopeHash"/> instead).</summary>
    public bool LogsSignature { get; init; } = true;

    /// <summary><c>intoto</c>: the SHA-256 of the DSSE envelope's JSON as it was submitted (<c>spec.content.hash</c>), else null.</summary>
    public ReadOnlyMemory<byte>? EnvelopeHash { get; init; }

    /// <summary><c>intoto</c> 0.0.2: the logged envelope's payload type, else null.</summary>
    public string? PayloadType { get; init; }

    /// <summary>Whether the entry logs a DSSE envelope's payload hash (intoto, dsse) rather than a signed digest; empty
    /// for an <c>intoto</c> 0.0.1 entry from before Rekor logged payload hashes.</summary>
    public bool IsEnvelope => Kind is "intoto" or "dsse";

    /// <summary>Whether the entry is of a Rekor v2 (tile-based log) kind: no inclusion promise, no integration time.</summary>
    public bool IsRekorV2 => ApiVersion == "0.0.2" && Kind is "hashedrekord" or "dsse";

    /// <summary>Reads a canonicalized body.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, [NotNullWhen(true)] out RekorEntryBody? entry, [NotNullWhen(false)] out string? error)
    {
        return JsonInput.Try(() => Parse(body), out entry, out error);
    }

    private static RekorEntryBody Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonInput.Parse(body, "the Rekor entry body");
        var root = JsonInput.RequireObject(document.RootElement, "body");
        var kind = JsonInput.String(root, "kind", "body");
        var version = JsonInput.String(root, "apiVersion", "body");
        var spec = JsonInput.Object(root, "spec", "body");
        return (kind, version) switch
        {
            ("hashedrekord", "0.0.1") => HashedRekord(spec),
            ("intoto", "0.0.2") => InToto(spec),
            ("intoto", "0.0.1") => InTotoV1(spec),
            ("dsse", "0.0.1") => Dsse(spec),
            ("hashedrekord", "0.0.2") => HashedRekordV2(JsonInput.Object(spec, "hashedRekordV002", "body.spec")),
            ("dsse", "0.0.2") => DsseV2(JsonInput.Object(spec, "dsseV002", "body.spec")),
            _ => throw new FormatException($"Rekor entries of kind {kind} {version} are not supported (hashedrekord 0.0.1 and 0.0.2, intoto 0.0.1 and 0.0.2, dsse 0.0.1 and 0.0.2)"),
        } with { Kind = kind, ApiVersion = version };
    }

    private static RekorEntryBody HashedRekord(JsonElement spec)
    {
        var signature = JsonInput.Object(spec, "signature", "body.spec");
        var publicKey = JsonInput.Object(signature, "publicKey", "body.spec.signature");
        var (der, isCertificate) = ReadPem(JsonInput.Base64(publicKey, "content", "body.spec.signature.publicKey"), "body.spec.signature.publicKey.content");
        var hash = JsonInput.Object(JsonInput.Object(spec, "data", "body.spec"), "hash", "body.spec.data");
        return new RekorEntryBody
        {
            Kind = string.Empty,
            ApiVersion = string.Empty,
            Signature = JsonInput.Base64(signature, "content", "body.spec.signature"),
            VerifierDer = der,
            VerifierIsCertificate = isCertificate,
            DigestAlgorithm = ReadAlgorithm(hash, "body.spec.data.hash"),
            Digest = ReadHex(hash, "body.spec.data.hash"),
        };
    }

    private static RekorEntryBody InToto(JsonElement spec)
    {
        var content = JsonInput.Object(spec, "content", "body.spec");
        var envelope = JsonInput.Object(content, "envelope", "body.spec.content");
        var signatures = JsonInput.Array(envelope, "signatures", "body.spec.content.envelope");
        if (signatures.GetArrayLength() != 1)
        {
            throw new FormatException("the intoto entry must log exactly one signature");
        }

        var signature = JsonInput.RequireObject(signatures[0], "body.spec.content.envelope.signatures[0]");
        var innerBase64 = Encoding.ASCII.GetString(JsonInput.Base64(signature, "sig", "body.spec.content.envelope.signatures[0]"));
        var sig = JsonInput.DecodeBase64(innerBase64) ?? throw new FormatException("body.spec.content.envelope.signatures[0].sig is not base64 of base64");
        var (der, isCertificate) = ReadPem(JsonInput.Base64(signature, "publicKey", "body.spec.content.envelope.signatures[0]"), "body.spec.content.envelope.signatures[0].publicKey");
        return new RekorEntryBody
        {
            Kind = string.Empty,
            ApiVersion = string.Empty,
            Signature = sig,
            VerifierDer = der,
            VerifierIsCertificate = isCertificate,
            Digest = ReadSha256(JsonInput.Object(content, "payloadHash", "body.spec.content"), "body.spec.content.payloadHash"),
            EnvelopeHash = ReadSha256(JsonInput.Object(content, "hash", "body.spec.content"), "body.spec.content.hash"),
            PayloadType = JsonInput.String(envelope, "payloadType", "body.spec.content.envelope"),
        };
    }

    private static RekorEntryBody InTotoV1(JsonElement spec)
    {
        var content = JsonInput.Object(spec, "content", "body.spec");
        var (der, isCertificate) = ReadPem(JsonInput.Base64(spec, "publicKey", "body.spec"), "body.spec.publicKey");
        return new RekorEntryBody
        {
            Kind = string.Empty,
            ApiVersion = string.Empty,
            Signature = ReadOnlyMemory<byte>.Empty,
            LogsSignature = false,
            VerifierDer = der,
            VerifierIsCertificate = isCertificate,
            Digest = JsonInput.TryObject(content, "payloadHash", "body.spec.content", out var payloadHash)
                ? ReadSha256(payloadHash, "body.spec.content.payloadHash")
                : ReadOnlyMemory<byte>.Empty,
            EnvelopeHash = ReadSha256(JsonInput.Object(content, "hash", "body.spec.content"), "body.spec.content.hash"),
        };
    }

    private static RekorEntryBody Dsse(JsonElement spec)
    {
        var signatures = JsonInput.Array(spec, "signatures", "body.spec");
        if (signatures.GetArrayLength() != 1)
        {
            throw new FormatException("the dsse entry must log exactly one signature");
        }

        var signature = JsonInput.RequireObject(signatures[0], "body.spec.signatures[0]");
        var (der, isCertificate) = ReadPem(JsonInput.Base64(signature, "verifier", "body.spec.signatures[0]"), "body.spec.signatures[0].verifier");
        return new RekorEntryBody
        {
            Kind = string.Empty,
            ApiVersion = string.Empty,
            Signature = JsonInput.Base64(signature, "signature", "body.spec.signatures[0]"),
            VerifierDer = der,
            VerifierIsCertificate = isCertificate,
            Digest = ReadSha256(JsonInput.Object(spec, "payloadHash", "body.spec"), "body.spec.payloadHash"),
        };
    }

    private static RekorEntryBody HashedRekordV2(JsonElement spec)
    {
        const string path = "body.spec.hashedRekordV002";
        var data = JsonInput.Object(spec, "data", path);
        var (algorithm, digest) = ReadHashOutput(data, path + ".data");
        return SignatureV2(JsonInput.Object(spec, "signature", path), path + ".signature") with { DigestAlgorithm = algorithm, Digest = digest };
    }

    private static RekorEntryBody DsseV2(JsonElement spec)
    {
        const string path = "body.spec.dsseV002";
        var signatures = JsonInput.Array(spec, "signatures", path);
        if (signatures.GetArrayLength() != 1)
        {
            throw new FormatException("the dsse entry must log exactly one signature");
        }

        var (algorithm, digest) = ReadHashOutput(JsonInput.Object(spec, "payloadHash", path), path + ".payloadHash");
        if (algorithm != HashAlgorithmName.SHA256)
        {
            throw new FormatException($"{path}.payloadHash must be SHA2_256");
        }

        return SignatureV2(JsonInput.RequireObject(signatures[0], path + ".signatures[0]"), path + ".signatures[0]") with { Digest = digest };
    }

    /// <summary>A rekor-tiles <c>Signature</c>: <c>{content, verifier: {publicKey | x509Certificate, keyDetails}}</c>.</summary>
    private static RekorEntryBody SignatureV2(JsonElement signature, string path)
    {
        var verifier = JsonInput.Object(signature, "verifier", path);
        bool hasKey = JsonInput.TryObject(verifier, "publicKey", path + ".verifier", out var publicKey);
        bool hasCertificate = JsonInput.TryObject(verifier, "x509Certificate", path + ".verifier", out var certificate);
        if (hasKey == hasCertificate)
        {
            throw new FormatException($"{path}.verifier must hold exactly one of publicKey and x509Certificate");
        }

        JsonInput.String(verifier, "keyDetails", path + ".verifier");
        var der = hasKey
            ? JsonInput.Base64(publicKey, "rawBytes", path + ".verifier.publicKey")
            : JsonInput.Base64(certificate, "rawBytes", path + ".verifier.x509Certificate");
        return new RekorEntryBody
        {
            Kind = string.Empty,
            ApiVersion = string.Empty,
            Signature = JsonInput.Base64(signature, "content", path),
            VerifierDer = der,
            VerifierIsCertificate = hasCertificate,
            Digest = ReadOnlyMemory<byte>.Empty,
        };
    }

    /// <summary>A <c>dev.sigstore.common.v1.HashOutput</c>: <c>{algorithm, digest (base64)}</c>.</summary>
    private static (HashAlgorithmName Algorithm, byte[] Digest) ReadHashOutput(JsonElement hash, string path)
    {
        var name = JsonInput.String(hash, "algorithm", path);
        var (algorithm, size) = name switch
        {
            "SHA2_256" => (HashAlgorithmName.SHA256, 32),
            "SHA2_384" => (HashAlgorithmName.SHA384, 48),
            "SHA2_512" => (HashAlgorithmName.SHA512, 64),
            _ => throw new FormatException($"{path}.algorithm \"{name}\" is not supported (SHA2_256, SHA2_384, SHA2_512)"),
        };
        var digest = JsonInput.Base64(hash, "digest", path);
        return digest.Length == size ? (algorithm, digest) : throw new FormatException($"{path}.digest does not have {size} bytes");
    }

    private static HashAlgorithmName ReadAlgorithm(JsonElement hash, string path)
    {
        var algorithm = JsonInput.String(hash, "algorithm", path);
        return algorithm switch
        {
            "sha256" => HashAlgorithmName.SHA256,
            "sha384" => HashAlgorithmName.SHA384,
            "sha512" => HashAlgorithmName.SHA512,
            _ => throw new FormatException($"{path}.algorithm \"{algorithm}\" is not supported (sha256, sha384, sha512)"),
        };
    }

    private static byte[] ReadHex(JsonElement hash, string path)
    {
        var size = ReadAlgorithm(hash, path) == HashAlgorithmName.SHA256 ? 32 : ReadAlgorithm(hash, path) == HashAlgorithmName.SHA384 ? 48 : 64;
        var value = JsonInput.String(hash, "value", path);
        if (value.Length != size * 2 || !value.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"{path}.value is not a hex digest of {size} bytes");
        }

        return Convert.FromHexString(value);
    }

    private static byte[] ReadSha256(JsonElement hash, string path)
    {
        var algorithm = JsonInput.String(hash, "algorithm", path);
        if (algorithm != "sha256")
        {
            throw new FormatException($"{path}.algorithm \"{algorithm}\" is not supported (sha256)");
        }

        var value = JsonInput.String(hash, "value", path);
        if (value.Length != SHA256.HashSizeInBytes * 2 || !value.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"{path}.value is not a hex sha256");
        }

        return Convert.FromHexString(value);
    }

    private static (byte[] Der, bool IsCertificate) ReadPem(byte[] pemBytes, string path)
    {
        var pem = Encoding.ASCII.GetString(pemBytes).Trim();
        if (!PemEncoding.TryFind(pem, out var fields) || fields.Location.End.Value != pem.Length)
        {
            throw new FormatException($"{path} is not one PEM block");
        }

        var label = pem[fields.Label];
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        return label switch
        {
            "CERTIFICATE" => (der, true),
            "PUBLIC KEY" => (der, false),
            _ => throw new FormatException($"{path} is a PEM \"{label}\", not a certificate or public key"),
        };
    }
}
