using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Verity.Validators.Cosign.Dsse;
using Verity.Validators.Cosign.Json;
using Verity.Validators.Cosign.Rekor;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// Reads a Sigstore bundle (protobuf-specs <c>dev.sigstore.bundle.v1.Bundle</c>, JSON form) into a
/// <see cref="SignedEntity"/>.
/// </summary>
/// <remarks>
/// Media types: <c>application/vnd.dev.sigstore.bundle+json;version=0.1</c>, <c>…;version=0.2</c>,
/// <c>…;version=0.3</c> and <c>application/vnd.dev.sigstore.bundle.v0.3+json</c>. As sigstore-go enforces
/// (pkg/bundle): in v0.1 every transparency log entry needs an inclusion promise, from v0.2 on an inclusion
/// proof (with a checkpoint); from v0.3 on the verification material may not be an X.509 chain, only a single
/// certificate or a public key hint. The content is a message signature or a DSSE envelope with exactly one
/// signature. Unknown fields are ignored; duplicate keys are refused. As in every protobuf JSON document, a
/// field with its default value (0, empty) may be left out: a missing <c>logIndex</c> is 0.
/// </remarks>
internal static class SigstoreBundleReader
{
    private const string MediaTypeBase = "application/vnd.dev.sigstore.bundle";

    /// <summary>Reads a bundle.</summary>
    public static bool TryRead(
        SigstoreBundleBlob blob,
        string source,
        CosignLimits limits,
        [NotNullWhen(true)] out SignedEntity? entity,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(limits);
        return JsonInput.Try(() => Read(blob, source, limits), out entity, out error);
    }

    /// <summary>The bundle version of a media type (1 for v0.1 … 3 for v0.3), or null if unsupported.</summary>
    public static int? MinorVersion(string mediaType) => mediaType switch
    {
        MediaTypeBase + "+json;version=0.1" => 1,
        MediaTypeBase + "+json;version=0.2" => 2,
        MediaTypeBase + "+json;version=0.3" or MediaTypeBase + ".v0.3+json" => 3,
        _ => null,
    };

    private static SignedEntity Read(SigstoreBundleBlob blob, string source, CosignLimits limits)
    {
        if (blob.Json.Length > limits.MaxBundleBytes)
        {
            throw new FormatException($"the bundle has {blob.Json.Length} bytes, more than the limit of {limits.MaxBundleBytes}");
        }

        using var document = JsonInput.Parse(blob.Json, "the bundle");
        var root = JsonInput.RequireObject(document.RootElement, "bundle");
        var mediaType = JsonInput.String(root, "mediaType", "bundle");
        var version = MinorVersion(mediaType)
            ?? throw new FormatException($"bundle media type \"{mediaType}\" is not supported (Sigstore bundle v0.1 to v0.3)");

        var material = JsonInput.Object(root, "verificationMaterial", "bundle");
        var entries = ReadEntries(material, version, limits);
        return new SignedEntity
        {
            Source = source,
            Format = SignatureFormat.Bundle,
            Content = ReadContent(root, blob.Artifact),
            Material = ReadMaterial(material, version, limits),
            TlogEntries = entries,
            Timestamps = ReadTimestamps(material, limits),
        };
    }

    private static SignatureContent ReadContent(JsonElement root, ReadOnlyMemory<byte>? artifact)
    {
        bool hasMessage = JsonInput.TryObject(root, "messageSignature", "bundle", out var message);
        bool hasEnvelope = JsonInput.TryObject(root, "dsseEnvelope", "bundle", out var envelope);
        if (hasMessage == hasEnvelope)
        {
            throw new FormatException("the bundle must hold exactly one of messageSignature and dsseEnvelope");
        }

        if (hasEnvelope)
        {
            var dsse = DsseEnvelope.Read(envelope, "bundle.dsseEnvelope");
            if (dsse.Signatures.Length != 1)
            {
                throw new FormatException($"the bundle's DSSE envelope has {dsse.Signatures.Length} signatures; exactly one is supported");
            }

            return new EnvelopeContent(dsse);
        }

        var digest = JsonInput.Object(message, "messageDigest", "bundle.messageSignature");
        var algorithmName = JsonInput.String(digest, "algorithm", "bundle.messageSignature.messageDigest");
        var algorithm = algorithmName switch
        {
            "SHA2_256" => HashAlgorithmName.SHA256,
            "SHA2_384" => HashAlgorithmName.SHA384,
            "SHA2_512" => HashAlgorithmName.SHA512,
            _ => throw new FormatException($"bundle.messageSignature.messageDigest.algorithm \"{algorithmName}\" is not supported"),
        };
        var digestBytes = JsonInput.Base64(digest, "digest", "bundle.messageSignature.messageDigest");
        if (artifact is { } bytes)
        {
            var computed = algorithm == HashAlgorithmName.SHA256 ? SHA256.HashData(bytes.Span)
                : algorithm == HashAlgorithmName.SHA384 ? SHA384.HashData(bytes.Span)
                : SHA512.HashData(bytes.Span);
            if (!computed.AsSpan().SequenceEqual(digestBytes))
            {
                throw new FormatException("the bundle's message digest is not the digest of the supplied artifact");
            }
        }

        return new MessageSignatureContent
        {
            SignatureBytes = JsonInput.Base64(message, "signature", "bundle.messageSignature"),
            Artifact = artifact,
            DigestAlgorithm = algorithm,
            ArtifactDigest = digestBytes,
        };
    }

    private static VerificationMaterial ReadMaterial(JsonElement material, int version, CosignLimits limits)
    {
        bool hasKey = JsonInput.TryObject(material, "publicKey", "bundle.verificationMaterial", out var publicKey);
        bool hasChain = JsonInput.TryObject(material, "x509CertificateChain", "bundle.verificationMaterial", out var chain);
        bool hasCertificate = JsonInput.TryObject(material, "certificate", "bundle.verificationMaterial", out var certificate);
        if ((hasKey ? 1 : 0) + (hasChain ? 1 : 0) + (hasCertificate ? 1 : 0) != 1)
        {
            throw new FormatException("the bundle's verification material must be exactly one of publicKey, x509CertificateChain and certificate");
        }

        if (hasKey)
        {
            return new PublicKeyMaterial(JsonInput.OptionalString(publicKey, "hint", "bundle.verificationMaterial.publicKey"));
        }

        if (hasCertificate)
        {
            return new CertificateMaterial(ReadCertificate(certificate, "bundle.verificationMaterial.certificate"), []);
        }

        if (version >= 3)
        {
            throw new FormatException("a v0.3 bundle may not carry an x509CertificateChain (only a single certificate)");
        }

        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        int i = 0;
        foreach (var item in JsonInput.Array(chain, "certificates", "bundle.verificationMaterial.x509CertificateChain").EnumerateArray())
        {
            if (i > limits.MaxChainCertificates)
            {
                throw new FormatException($"the bundle's certificate chain has more than {limits.MaxChainCertificates + 1} certificates");
            }

            certificates.Add(ReadCertificate(item, $"bundle.verificationMaterial.x509CertificateChain.certificates[{i++}]"));
        }

        return certificates.Count > 0
            ? new CertificateMaterial(certificates[0], certificates.ToImmutable()[1..])
            : throw new FormatException("the bundle's certificate chain is empty");
    }

    private static X509Certificate2 ReadCertificate(JsonElement certificate, string path)
    {
        var der = JsonInput.Base64(JsonInput.RequireObject(certificate, path), "rawBytes", path);
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"{path} is not a DER certificate: {e.Message}", e);
        }
    }

    private static ImmutableArray<TransparencyLogEntry> ReadEntries(JsonElement material, int version, CosignLimits limits)
    {
        var entries = ImmutableArray.CreateBuilder<TransparencyLogEntry>();
        int i = 0;
        foreach (var item in JsonInput.OptionalArray(material, "tlogEntries", "bundle.verificationMaterial"))
        {
            var path = $"bundle.verificationMaterial.tlogEntries[{i++}]";
            if (entries.Count == limits.MaxTlogEntries)
            {
                throw new FormatException($"the bundle has more than {limits.MaxTlogEntries} transparency log entries");
            }

            var entry = ReadEntry(JsonInput.RequireObject(item, path), path, limits);
            if (version == 1 && !entry.HasPromise)
            {
                throw new FormatException($"{path} has no inclusion promise, which a v0.1 bundle requires");
            }

            if (version >= 2 && entry.InclusionProof is null)
            {
                throw new FormatException($"{path} has no inclusion proof, which a v0.2 or later bundle requires");
            }

            entries.Add(entry);
        }

        return entries.ToImmutable();
    }

    private static TransparencyLogEntry ReadEntry(JsonElement entry, string path, CosignLimits limits)
    {
        var kindVersion = JsonInput.Object(entry, "kindVersion", path);
        InclusionProof? proof = null;
        if (JsonInput.TryObject(entry, "inclusionProof", path, out var proofJson))
        {
            var proofPath = path + ".inclusionProof";
            var hashes = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>>();
            int h = 0;
            foreach (var hash in JsonInput.OptionalArray(proofJson, "hashes", proofPath))
            {
                if (hashes.Count == limits.MaxProofHashes)
                {
                    throw new FormatException($"{proofPath}.hashes has more than {limits.MaxProofHashes} hashes");
                }

                var text = hash.ValueKind == JsonValueKind.String ? hash.GetString()! : throw new FormatException($"{proofPath}.hashes[{h}] must be a string");
                hashes.Add(JsonInput.DecodeBase64(text) ?? throw new FormatException($"{proofPath}.hashes[{h}] is not base64"));
                h++;
            }

            proof = new InclusionProof
            {
                LogIndex = JsonInput.OptionalInt64(proofJson, "logIndex", proofPath) ?? 0,
                TreeSize = JsonInput.OptionalInt64(proofJson, "treeSize", proofPath) ?? 0,
                RootHash = JsonInput.Base64(proofJson, "rootHash", proofPath),
                Hashes = hashes.ToImmutable(),
                Checkpoint = JsonInput.String(JsonInput.Object(proofJson, "checkpoint", proofPath), "envelope", proofPath + ".checkpoint"),
            };
        }

        var promise = ReadOnlyMemory<byte>.Empty;
        if (JsonInput.TryObject(entry, "inclusionPromise", path, out var promiseJson))
        {
            promise = JsonInput.Base64(promiseJson, "signedEntryTimestamp", path + ".inclusionPromise");
        }

        var logIndex = JsonInput.OptionalInt64(entry, "logIndex", path) ?? 0;
        if (logIndex < 0)
        {
            throw new FormatException($"{path}.logIndex is negative");
        }

        return new TransparencyLogEntry
        {
            LogId = JsonInput.Base64(JsonInput.Object(entry, "logId", path), "keyId", path + ".logId"),
            LogIndex = logIndex,
            IntegratedTime = JsonInput.OptionalInt64(entry, "integratedTime", path) ?? 0,
            Kind = JsonInput.String(kindVersion, "kind", path + ".kindVersion"),
            Version = JsonInput.String(kindVersion, "version", path + ".kindVersion"),
            CanonicalizedBody = JsonInput.Base64(entry, "canonicalizedBody", path),
            SignedEntryTimestamp = promise,
            InclusionProof = proof,
        };
    }

    private static ImmutableArray<ReadOnlyMemory<byte>> ReadTimestamps(JsonElement material, CosignLimits limits)
    {
        if (!JsonInput.TryObject(material, "timestampVerificationData", "bundle.verificationMaterial", out var data))
        {
            return [];
        }

        var timestamps = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>>();
        int i = 0;
        foreach (var item in JsonInput.OptionalArray(data, "rfc3161Timestamps", "bundle.verificationMaterial.timestampVerificationData"))
        {
            var path = $"bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[{i++}]";
            if (timestamps.Count == limits.MaxTimestamps)
            {
                throw new FormatException($"the bundle has more than {limits.MaxTimestamps} timestamps");
            }

            timestamps.Add(JsonInput.Base64(JsonInput.RequireObject(item, path), "signedTimestamp", path));
        }

        return timestamps.ToImmutable();
    }
}
