using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Verity.Validators.Cosign.Dsse;
using Verity.Validators.Cosign.Json;
using Verity.Validators.Cosign.Rekor;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// Turns a cosign signature layer (annotations and payload) into a <see cref="SignedEntity"/>.
/// </summary>
/// <remarks>
/// Layout as cosign writes it (pkg/oci/static, pkg/cosign/bundle): the signature annotation is base64 over the
/// payload bytes; the certificate and chain annotations are PEM; the Rekor bundle annotation holds
/// <c>SignedEntryTimestamp</c> (base64) and <c>Payload</c> = <c>{body (base64 canonical entry), integratedTime,
/// logIndex, logID (hex)}</c>, from which one <see cref="TransparencyLogEntry"/> with an inclusion promise and no
/// proof is made; the timestamp annotation holds <c>SignedRFC3161Timestamp</c> (base64 TimeStampResp).
/// A layer of a legacy <c>.att</c> manifest (media type <c>application/vnd.dsse.envelope.v1+json</c>) holds a DSSE
/// envelope with one signature instead of a payload (kept byte for byte, see <see cref="EnvelopeContent.RawEnvelope"/>),
/// and its Rekor bundle an <c>intoto</c> (0.0.1 or 0.0.2) or <c>dsse</c> entry.
/// A missing or unreadable signature, payload or certificate makes the layer unreadable; an unreadable Rekor
/// bundle or timestamp annotation is kept as a <see cref="SignedEntity.Problems"/> entry, because the
/// signature may still count when the policy does not need them.
/// </remarks>
internal static class CosignLayerReader
{
    /// <summary>Reads one layer.</summary>
    public static bool TryRead(
        CosignSignatureLayer layer,
        string source,
        CosignLimits limits,
        [NotNullWhen(true)] out SignedEntity? entity,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(limits);
        return JsonInput.Try(() => Read(layer, source, limits), out entity, out error);
    }

    private static SignedEntity Read(CosignSignatureLayer layer, string source, CosignLimits limits)
    {
        bool attestation = layer.MediaType == CosignSignatureLayer.DsseMediaType;
        if (layer.MediaType is not null && layer.MediaType != CosignSignatureLayer.SimpleSigningMediaType && !attestation)
        {
            throw new FormatException($"the layer has media type \"{layer.MediaType}\", not \"{CosignSignatureLayer.SimpleSigningMediaType}\" or \"{CosignSignatureLayer.DsseMediaType}\"");
        }

        var limit = attestation ? limits.MaxBundleBytes : limits.MaxPayloadBytes;
        if (layer.Payload.Length > limit)
        {
            throw new FormatException($"the payload has {layer.Payload.Length} bytes, more than the limit of {limit}");
        }

        foreach (var (name, value) in layer.Annotations)
        {
            if (value.Length > limits.MaxAnnotationLength)
            {
                throw new FormatException($"the annotation {name} has {value.Length} characters, more than the limit of {limits.MaxAnnotationLength}");
            }
        }

        SignatureContent content;
        if (attestation)
        {
            // cosign attest: the blob is the DSSE envelope, its signature inside (the signature annotation is empty).
            using var document = JsonInput.Parse(layer.Payload, "the attestation envelope");
            var envelope = DsseEnvelope.Read(document.RootElement, "envelope");
            if (envelope.Signatures.Length != 1)
            {
                throw new FormatException($"the attestation envelope has {envelope.Signatures.Length} signatures; exactly one is supported");
            }

            content = new EnvelopeContent(envelope) { RawEnvelope = layer.Payload };
        }
        else
        {
            if (!layer.Annotations.TryGetValue(CosignSignatureLayer.SignatureAnnotation, out var signatureText) || signatureText.Length == 0)
            {
                throw new FormatException($"the layer has no {CosignSignatureLayer.SignatureAnnotation} annotation");
            }

            var signature = JsonInput.DecodeBase64(signatureText.Trim())
                ?? throw new FormatException($"the {CosignSignatureLayer.SignatureAnnotation} annotation is not base64");
            content = new MessageSignatureContent
            {
                SignatureBytes = signature,
                Artifact = layer.Payload,
                DigestAlgorithm = HashAlgorithmName.SHA256,
                ArtifactDigest = SHA256.HashData(layer.Payload.Span),
            };
        }

        VerificationMaterial material = new PublicKeyMaterial(Hint: null);
        if (layer.Annotations.TryGetValue(CosignSignatureLayer.CertificateAnnotation, out var certificatePem) && certificatePem.Trim().Length > 0)
        {
            var leaf = CertificatePem.ReadAll(certificatePem, "the certificate annotation", 1);
            if (leaf.Length != 1)
            {
                throw new FormatException("the certificate annotation holds no certificate");
            }

            var chain = layer.Annotations.TryGetValue(CosignSignatureLayer.ChainAnnotation, out var chainPem)
                ? CertificatePem.ReadAll(chainPem, "the chain annotation", limits.MaxChainCertificates)
                : [];
            material = new CertificateMaterial(leaf[0], chain);
        }

        var problems = ImmutableArray.CreateBuilder<string>();
        var entries = ImmutableArray<TransparencyLogEntry>.Empty;
        if (layer.Annotations.TryGetValue(CosignSignatureLayer.BundleAnnotation, out var bundle))
        {
            try
            {
                entries = [ReadRekorBundle(bundle)];
            }
            catch (FormatException e)
            {
                problems.Add($"the Rekor bundle annotation cannot be read: {e.Message}");
            }
        }

        var timestamps = ImmutableArray<ReadOnlyMemory<byte>>.Empty;
        if (layer.Annotations.TryGetValue(CosignSignatureLayer.TimestampAnnotation, out var timestamp))
        {
            try
            {
                using var document = JsonInput.Parse(Encoding.UTF8.GetBytes(timestamp), "the timestamp annotation");
                timestamps = [JsonInput.Base64(JsonInput.RequireObject(document.RootElement, "timestamp"), "SignedRFC3161Timestamp", "timestamp")];
            }
            catch (FormatException e)
            {
                problems.Add($"the RFC 3161 timestamp annotation cannot be read: {e.Message}");
            }
        }

        return new SignedEntity
        {
            Source = source,
            Format = SignatureFormat.CosignLayer,
            Content = content,
            Material = material,
            TlogEntries = entries,
            Timestamps = timestamps,
            Problems = problems.ToImmutable(),
        };
    }

    private static TransparencyLogEntry ReadRekorBundle(string annotation)
    {
        using var document = JsonInput.Parse(Encoding.UTF8.GetBytes(annotation), "the Rekor bundle annotation");
        var root = JsonInput.RequireObject(document.RootElement, "bundle");
        var payload = JsonInput.Object(root, "Payload", "bundle");
        var body = JsonInput.Base64(payload, "body", "bundle.Payload");
        var logIdHex = JsonInput.String(payload, "logID", "bundle.Payload");
        if (logIdHex.Length != 64 || !logIdHex.All(char.IsAsciiHexDigit))
        {
            throw new FormatException("bundle.Payload.logID is not a hex SHA-256");
        }

        string kind = "unknown", version = "unknown";
        if (RekorEntryBody.TryParse(body, out var parsed, out _))
        {
            (kind, version) = (parsed.Kind, parsed.ApiVersion);
        }

        return new TransparencyLogEntry
        {
            LogId = Convert.FromHexString(logIdHex),
            LogIndex = JsonInput.Int64(payload, "logIndex", "bundle.Payload"),
            IntegratedTime = JsonInput.Int64(payload, "integratedTime", "bundle.Payload"),
            Kind = kind,
            Version = version,
            CanonicalizedBody = body,
            SignedEntryTimestamp = JsonInput.Base64(root, "SignedEntryTimestamp", "bundle"),
        };
    }
}
