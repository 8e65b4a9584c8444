// Over 300 lines on purpose. One signature against one trust root, every check cosign makes (signature, certificate chain, identity,
// SCT, transparency log, timestamps) in the order cosign makes them; one file so the order can be audited.
using Verity.Validators.Cosign.Crypto;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Dsse;
using Verity.Validators.Cosign.Fulcio;
using Verity.Validators.Cosign.Signatures;
using Verity.Validators.Cosign.Timestamps;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Verification;

/// <summary>
/// Decides whether one signature (a <see cref="SignedEntity"/>) counts for one trust root, over one image digest.
/// </summary>
/// <remarks>
/// The signature counts when, in this order:
/// <list type="number">
/// <item>it is bound to the image: a message signature over a cosign payload whose
/// <c>critical.image.docker-manifest-digest</c> is the image digest, or an in-toto statement (DSSE, payload type
/// <c>application/vnd.in-toto+json</c>) with the image digest among its subjects and an accepted predicate type (the
/// cosign signing predicate, and the rule's <see cref="CosignVerificationOptions.PredicateTypes"/>); a message signature
/// over the bare digest binds only a blob (<see cref="SignedArtifact"/>);</item>
/// <item>it verifies with the trust root's key (a key root), or with the key of the certificate it carries
/// (a keyless root); a certificate carried with a key-signed signature must hold that same key;</item>
/// <item>its transparency log entries are checked (<see cref="TransparencyLogVerifier"/>); with
/// <see cref="CosignVerificationOptions.RequireTransparencyLog"/> at least one must verify;</item>
/// <item>its RFC 3161 timestamps are checked (<see cref="TimestampVerifier"/>);</item>
/// <item>keyless only: the certificate chains to a trusted Fulcio authority with code-signing usage at every
/// verified signing time (integration times of verified promises and verified timestamps; with none, the
/// current time, as cosign does), its identity (issuer and a SAN) matches the root's <see cref="KeylessIdentity"/>,
/// and, with <see cref="CosignVerificationOptions.VerifySct"/>, one embedded SCT verifies.</item>
/// </list>
/// Hashes: cosign layers are always SHA-256 (cosign's default); bundles use the key's default
/// (<see cref="SigningAlgorithms.DefaultHash"/>). Entries or timestamps that do not verify are not errors: they
/// just do not count. The verifier is stateless apart from its trusted material and clock.
/// </remarks>
internal sealed class CosignVerifier
{
    private readonly TrustedMaterial _material;
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier.</summary>
    public CosignVerifier(TrustedMaterial material, TimeProvider timeProvider)
    {
        _material = material ?? throw new ArgumentNullException(nameof(material));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>The trusted material.</summary>
    public TrustedMaterial Material => _material;

    /// <summary>Checks <paramref name="entity"/> for <paramref name="root"/> over <paramref name="image"/>.</summary>
    public SignatureVerdict Verify(SignedEntity entity, TrustRoot root, Digest image, CosignVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        RejectedSignature Reject(string reason) => new(root.Name, entity.Source, reason);

        if (!BindsTo(entity, image, options, out var bindingError))
        {
            return Reject(bindingError);
        }

        VerificationKey key;
        ReadOnlyMemory<byte> verifierDer;
        bool keyless;
        switch (root)
        {
            case PublicKeyTrustRoot keyRoot:
                key = keyRoot.Key;
                keyless = false;
                verifierDer = key.SubjectPublicKeyInfo.ToArray();
                if (entity.Material is CertificateMaterial carried)
                {
                    if (!carried.Leaf.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.SubjectPublicKeyInfo))
                    {
                        return Reject($"the signature carries a certificate for another key than trust root \"{root.Name}\"");
                    }

                    verifierDer = carried.Leaf.RawData;
                }

                break;
            case KeylessTrustRoot:
                if (entity.Material is not CertificateMaterial certificate)
                {
                    return Reject($"the signature has no certificate, so it cannot be from keyless trust root \"{root.Name}\"");
                }

                if (!VerificationKey.TryFromSubjectPublicKeyInfo(certificate.Leaf.PublicKey.ExportSubjectPublicKeyInfo(), out var certificateKey, out var keyError))
                {
                    return Reject($"the certificate's key cannot be used: {keyError}");
                }

                key = certificateKey;
                keyless = true;
                verifierDer = certificate.Leaf.RawData;
                break;
            case KeyReferenceTrustRoot reference:
                return Reject($"trust root \"{root.Name}\" is the key reference {reference.Reference}, which was not resolved to a key");
            default:
                return Reject($"trust root \"{root.Name}\" is not a key or keyless identity, which cosign needs");
        }

        if (!VerifySignature(entity, key))
        {
            return Reject(keyless
                ? "the signature does not verify with the key of its certificate"
                : $"the signature does not verify with the key of trust root \"{root.Name}\"");
        }

        var entryChecks = entity.TlogEntries
            .Select(entry => TransparencyLogVerifier.Verify(entry, entity, verifierDer, keyless || entity.Material is CertificateMaterial, _material))
            .ToList();
        var verifiedEntries = entryChecks.Where(c => c.Verified).ToList();
        if (options.RequireTransparencyLog && verifiedEntries.Count == 0)
        {
            var why = entryChecks.Count > 0
                ? entryChecks[0].Description
                : entity.Problems.IsEmpty ? "the signature has none" : entity.Problems[0];
            return Reject($"no valid transparency log entry ({why})");
        }

        var times = new List<(DateTimeOffset Time, string Source)>();
        foreach (var check in verifiedEntries)
        {
            if (check.IntegratedTime is { } integrated)
            {
                times.Add((integrated, check.Description));
            }
        }

        var stamps = new List<string>();
        foreach (var timestamp in entity.Timestamps)
        {
            if (TimestampVerifier.TryVerify(timestamp, entity.Content.Signature.Span, _material, out var stamped, out _))
            {
                var source = string.Create(CultureInfo.InvariantCulture, $"RFC 3161 timestamp {stamped:u}");
                times.Add((stamped, source));
                stamps.Add(source);
            }
        }

        if (!keyless)
        {
            var evidence = string.Join("; ", verifiedEntries.Select(c => c.Description).Concat(stamps));
            return new VerifiedSignature(root.Name, entity.Source, image, $"key {key.Fingerprint()[..16]}") { Evidence = evidence.Length == 0 ? null : evidence };
        }

        var leaf = ((CertificateMaterial)entity.Material).Leaf;
        if (times.Count == 0)
        {
            times.Add((_time.GetUtcNow(), "the current time"));
        }

        ImmutableArray<X509Certificate2> path = [];
        foreach (var (time, source) in times)
        {
            if (!TryChain(leaf, ((CertificateMaterial)entity.Material).Chain, time, out path, out var chainError))
            {
                return Reject(string.Create(CultureInfo.InvariantCulture, $"the certificate is not valid at {time:u} ({source}): {chainError}"));
            }
        }

        if (!FulcioIdentity.TryRead(leaf, out var identity, out var identityError))
        {
            return Reject(identityError);
        }

        var expected = ((KeylessTrustRoot)root).Identity;
        if (!identity.Satisfies(expected))
        {
            return Reject($"the certificate identity {identity} does not match trust root \"{root.Name}\" ({expected})");
        }

        if (options.VerifySct)
        {
            if (path.Length < 2)
            {
                return Reject("the certificate has no issuer to verify its SCT with");
            }

            if (!EmbeddedScts.VerifyAny(leaf, path[1], _material, out var sctError))
            {
                return Reject($"no valid certificate transparency SCT ({sctError})");
            }
        }

        return new VerifiedSignature(root.Name, entity.Source, image, identity.ToString())
        {
            Evidence = string.Join("; ", times.Select(t => t.Source).Distinct()),
        };
    }

    private bool TryChain(X509Certificate2 leaf, ImmutableArray<X509Certificate2> carried, DateTimeOffset at, out ImmutableArray<X509Certificate2> path, out string error)
    {
        path = [];
        if (_material.CertificateAuthorities.IsEmpty)
        {
            error = "no Fulcio certificate authority is trusted";
            return false;
        }

        var reasons = new List<string>();
        foreach (var authority in _material.CertificateAuthorities)
        {
            if (authority.TryVerify(leaf, carried, at, out path, out var reason))
            {
                error = string.Empty;
                return true;
            }

            reasons.Add(reason);
        }

        error = string.Join("; ", reasons.Distinct());
        return false;
    }

    private static bool BindsTo(SignedEntity entity, Digest image, CosignVerificationOptions options, out string error)
    {
        switch (entity.Content)
        {
            case MessageSignatureContent { Artifact: { } artifact }:
            {
                if (!SimpleSigningPayload.TryParse(artifact, out var payload, out var payloadError))
                {
                    error = $"the payload is not a cosign signature payload: {payloadError}";
                    return false;
                }

                if (payload.ImageDigest != image)
                {
                    error = $"the signature is for {payload.ImageDigest}, not for this image ({image})";
                    return false;
                }

                break;
            }

            case MessageSignatureContent message:
            {
                var signed = message.DigestAlgorithm == HashAlgorithmName.SHA256 && message.ArtifactDigest.Length == SHA256.HashSizeInBytes
                    ? Digest.FromSha256(message.ArtifactDigest.Span).ToString()
                    : $"a {message.DigestAlgorithm.Name} digest";
                if (options.Artifact == SignedArtifact.Image)
                {
                    // A signature over the bare manifest digest says nothing about what was signed (sigstore-go verifies such
                    // a bundle as a blob); an image signature signs a simple-signing payload that names the digest.
                    error = signed == image.ToString()
                        ? $"the bundle signs the bare digest {signed}, not a cosign signature payload that names the image"
                        : $"the bundle signs {signed}, not a cosign signature payload for this image ({image})";
                    return false;
                }

                if (signed != image.ToString())
                {
                    error = $"the bundle signs {signed}, not this image ({image})";
                    return false;
                }

                break;
            }

            case EnvelopeContent envelope:
            {
                if (envelope.Envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
                {
                    error = $"the DSSE payload type is \"{envelope.Envelope.PayloadType}\", not \"{DsseEnvelope.InTotoPayloadType}\"";
                    return false;
                }

                InTotoStatement statement;
                try
                {
                    statement = InTotoStatement.Parse(envelope.Envelope.Payload);
                }
                catch (FormatException e)
                {
                    error = $"the DSSE payload is not an in-toto statement: {e.Message}";
                    return false;
                }

                if (!statement.HasSubject(image))
                {
                    error = $"the attestation's subjects do not include this image ({image})";
                    return false;
                }

                if (!options.Accepts(statement.PredicateType))
                {
                    error = options.PredicateTypes.IsEmpty
                        ? $"the attestation's predicate type \"{statement.PredicateType}\" is not accepted as a signature (only \"{CosignVerificationOptions.CosignSignPredicateType}\"; with.predicateTypes accepts more)"
                        : $"the attestation's predicate type \"{statement.PredicateType}\" is not accepted as a signature (accepted: \"{CosignVerificationOptions.CosignSignPredicateType}\", {string.Join(", ", options.PredicateTypes.Select(t => $"\"{t}\""))})";
                    return false;
                }

                break;
            }

            default:
                error = "the signature content is not supported";
                return false;
        }

        error = string.Empty;
        return true;
    }

    private static bool VerifySignature(SignedEntity entity, VerificationKey key)
    {
        var hash = entity.Format == SignatureFormat.CosignLayer ? HashAlgorithmName.SHA256 : SigningAlgorithms.DefaultHash(key);
        return entity.Content switch
        {
            MessageSignatureContent { Artifact: { } artifact } message => SigningAlgorithms.Verify(key, artifact.Span, message.SignatureBytes.Span, hash),
            MessageSignatureContent message => SigningAlgorithms.VerifyDigest(key, message.ArtifactDigest.Span, message.SignatureBytes.Span, message.DigestAlgorithm),
            EnvelopeContent envelope => SigningAlgorithms.Verify(key, envelope.Envelope.SignedBytes(), envelope.Signature.Span, hash),
            _ => false,
        };
    }
}
