using Verity.Validators.Cosign.Rekor;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Crypto;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Validators.Cosign.Json;
using Verity.Validators.Cosign.Signatures;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Verification;

/// <summary>
/// Checks, offline, that a Rekor entry is in a trusted log and logs exactly a given signature.
/// </summary>
/// <remarks>
/// For an entry to count:
/// <list type="number">
/// <item>its log ID names a Rekor log of the trusted material;</item>
/// <item>it has an inclusion promise or an inclusion proof, and each one it has verifies:
/// the promise (signed entry timestamp) is the log key's ECDSA/SHA-256 signature over the RFC 8785 canonical
/// JSON of <c>{body, integratedTime, logIndex, logID}</c> (cosign <c>VerifySET</c>), made while the key was valid;
/// the proof's checkpoint is a signed note by the log key (signer name = the host that starts the origin, key ID = first 4
/// bytes of the log ID; other signers' lines, such as witness cosignatures, are ignored) whose size and root hash equal the proof's, and the RFC 6962 audit path leads from the leaf hash of the canonicalized body to
/// that root;</item>
/// <item>its body is of the declared kind and version and logs this signature: the same signature bytes (an
/// <c>intoto</c> 0.0.1 body logs none: the SHA-256 of the envelope's JSON stands for it), the same certificate (DER) or
/// public key (SPKI), and the SHA-256 of the same artifact or DSSE payload; for a DSSE envelope also its payload type and
/// envelope hash where the entry logs them (<see cref="MatchesEnvelope"/>).</item>
/// </list>
/// The checkpoint's origin line is not compared with the log's URL (as Rekor v1 clients do not).
/// Only a verified promise makes the integration time usable as a signing time. Rekor v2 entries (<c>hashedrekord</c>
/// and <c>dsse</c> 0.0.2) have no promise and no integration time: they count with a verified inclusion proof whose
/// checkpoint is a C2SP signed note by the log (<see cref="VerifyV2"/>), and their signing time comes from an RFC 3161
/// timestamp. An entry in a log whose key the trusted root gives in a form Verity cannot use does not verify.
/// </remarks>
internal static class TransparencyLogVerifier
{
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Checks <paramref name="entry"/> against the signature in <paramref name="entity"/>.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="entity">The signature it should log.</param>
    /// <param name="verifierDer">The DER the body must name: the certificate, or the public key's SubjectPublicKeyInfo.</param>
    /// <param name="verifierIsCertificate">Whether <paramref name="verifierDer"/> is a certificate.</param>
    /// <param name="material">The trusted logs.</param>
    public static LogEntryCheck Verify(
        TransparencyLogEntry entry,
        SignedEntity entity,
        ReadOnlyMemory<byte> verifierDer,
        bool verifierIsCertificate,
        TrustedMaterial material)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(material);
        var log = material.FindRekorLog(entry.LogId.Span);
        if (log is null)
        {
            return LogEntryCheck.Failed(entry, $"it is in log {Convert.ToHexStringLower(entry.LogId.Span)}, which is not trusted");
        }

        if (log.Key is null)
        {
            return LogEntryCheck.Failed(entry, $"it is in {log}, whose key cannot be used ({log.Unusable})");
        }

        if (IsRekorV2(entry))
        {
            return VerifyV2(entry, entity, verifierDer, verifierIsCertificate, log);
        }

        if (!entry.HasPromise && entry.InclusionProof is null)
        {
            return LogEntryCheck.Failed(entry, "it has neither an inclusion promise nor an inclusion proof");
        }

        DateTimeOffset? integrated = null;
        if (entry.HasPromise)
        {
            if (entry.IntegratedTime < 0 || entry.IntegratedTime > MaxUnixSeconds)
            {
                return LogEntryCheck.Failed(entry, $"its integration time {entry.IntegratedTime} is not a time");
            }

            var time = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime);
            if (!log.Validity.Contains(time))
            {
                return LogEntryCheck.Failed(entry, $"{log} was not valid at its integration time {time:u}");
            }

            if (!VerifyPromise(entry, log))
            {
                return LogEntryCheck.Failed(entry, $"its signed entry timestamp does not verify with the key of {log}");
            }

            integrated = time;
        }

        if (entry.InclusionProof is { } proof && !VerifyProof(entry, proof, log, out var proofError))
        {
            return LogEntryCheck.Failed(entry, proofError);
        }

        if (!MatchesBody(entry, entity, verifierDer, verifierIsCertificate, out var bodyError))
        {
            return LogEntryCheck.Failed(entry, bodyError);
        }

        var how = (entry.HasPromise, entry.InclusionProof is not null) switch
        {
            (true, true) => "inclusion promise and proof",
            (true, false) => "inclusion promise",
            _ => "inclusion proof",
        };
        return new LogEntryCheck(true, integrated, $"{entry} in {log} ({how} verified)");
    }

    /// <summary>Whether the entry declares a Rekor v2 kind (<c>hashedrekord</c> or <c>dsse</c> 0.0.2; <c>intoto</c> 0.0.2 is Rekor v1's).</summary>
    public static bool IsRekorV2(TransparencyLogEntry entry) => entry.Version == "0.0.2" && entry.Kind is "hashedrekord" or "dsse";

    /// <summary>
    /// A Rekor v2 entry: only an inclusion proof (no promise, no integration time: the time comes from an RFC 3161
    /// timestamp), whose checkpoint must name the log by the host of its base URL as origin and be signed by the log's key
    /// under that name, with the trusted root's <c>checkpointKeyId</c> or the key ID computed from the key (C2SP signed note,
    /// <see cref="SignedNote.IsSignedByV2"/>); witnesses' cosignatures and other signers' lines are ignored.
    /// </summary>
    private static LogEntryCheck VerifyV2(TransparencyLogEntry entry, SignedEntity entity, ReadOnlyMemory<byte> verifierDer, bool verifierIsCertificate, TransparencyLog log)
    {
        if (entry.InclusionProof is not { } proof)
        {
            return LogEntryCheck.Failed(entry, "it is a Rekor v2 entry without an inclusion proof");
        }

        if (entry.HasPromise)
        {
            return LogEntryCheck.Failed(entry, "it is a Rekor v2 entry with an inclusion promise, which Rekor v2 does not make");
        }

        if (log.BaseUrl is null || !Uri.TryCreate(log.BaseUrl.Contains("://", StringComparison.Ordinal) ? log.BaseUrl : "https://" + log.BaseUrl, UriKind.Absolute, out var baseUrl))
        {
            return LogEntryCheck.Failed(entry, $"{log} has no base URL, which names the origin of its Rekor v2 checkpoints");
        }

        var origin = baseUrl.Host;
        if (!SignedNote.TryParse(proof.Checkpoint, out var note, out var noteError))
        {
            return LogEntryCheck.Failed(entry, $"its checkpoint cannot be read: {noteError}");
        }

        if (!note.IsSignedByV2(log, origin, out var signatureProblem))
        {
            return LogEntryCheck.Failed(entry, $"its checkpoint is not signed by the key of {log} under the name {origin}: {signatureProblem}");
        }

        if (!Checkpoint.TryParse(note.Text, out var checkpoint, out var checkpointError))
        {
            return LogEntryCheck.Failed(entry, $"its checkpoint cannot be read: {checkpointError}");
        }

        if (checkpoint.Origin != origin)
        {
            return LogEntryCheck.Failed(entry, $"its checkpoint is for the log \"{checkpoint.Origin}\", not {origin}");
        }

        if (!VerifyProofAgainst(entry, proof, checkpoint, out var proofError))
        {
            return LogEntryCheck.Failed(entry, proofError);
        }

        if (!MatchesBody(entry, entity, verifierDer, verifierIsCertificate, out var bodyError))
        {
            return LogEntryCheck.Failed(entry, bodyError);
        }

        return new LogEntryCheck(true, null, $"{entry} in {log} (Rekor v2 inclusion proof verified)");
    }

    /// <summary>The bytes a signed entry timestamp signs (cosign <c>bundle.RekorPayload</c>, canonicalized).</summary>
    public static byte[] PromisePayload(TransparencyLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var payload = new JsonObject
        {
            ["body"] = Convert.ToBase64String(entry.CanonicalizedBody.Span),
            ["integratedTime"] = entry.IntegratedTime,
            ["logIndex"] = entry.LogIndex,
            ["logID"] = Convert.ToHexStringLower(entry.LogId.Span),
        };
        return Rfc8785CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(payload.ToJsonString()));
    }

    private static bool VerifyPromise(TransparencyLogEntry entry, TransparencyLog log)
    {
        return log.Key is { } key && SigningAlgorithms.Verify(key, PromisePayload(entry), entry.SignedEntryTimestamp.Span, HashAlgorithmName.SHA256);
    }

    private static bool VerifyProof(TransparencyLogEntry entry, InclusionProof proof, TransparencyLog log, out string error)
    {
        if (!SignedNote.TryParse(proof.Checkpoint, out var note, out var noteError))
        {
            error = $"its checkpoint cannot be read: {noteError}";
            return false;
        }

        if (!note.IsSignedBy(log, out var signatureProblem))
        {
            error = $"its checkpoint is not signed by the key of {log}: {signatureProblem}";
            return false;
        }

        if (!Checkpoint.TryParse(note.Text, out var checkpoint, out var checkpointError))
        {
            error = $"its checkpoint cannot be read: {checkpointError}";
            return false;
        }

        return VerifyProofAgainst(entry, proof, checkpoint, out error);
    }

    private static bool VerifyProofAgainst(TransparencyLogEntry entry, InclusionProof proof, Checkpoint checkpoint, out string error)
    {
        if (proof.TreeSize < 0 || proof.LogIndex < 0 || checkpoint.Size != (ulong)proof.TreeSize
            || !checkpoint.RootHash.Span.SequenceEqual(proof.RootHash.Span))
        {
            error = "its checkpoint is for another tree than its inclusion proof";
            return false;
        }

        var leaf = MerkleTree.HashLeaf(entry.CanonicalizedBody.Span);
        if (!MerkleTree.VerifyInclusion((ulong)proof.LogIndex, (ulong)proof.TreeSize, leaf, proof.Hashes, proof.RootHash.Span, out var merkleError))
        {
            error = $"its inclusion proof does not verify: {merkleError}";
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static bool MatchesBody(TransparencyLogEntry entry, SignedEntity entity, ReadOnlyMemory<byte> verifierDer, bool verifierIsCertificate, out string error)
    {
        if (!RekorEntryBody.TryParse(entry.CanonicalizedBody, out var body, out var bodyError))
        {
            error = $"its body cannot be read: {bodyError}";
            return false;
        }

        if (body.Kind != entry.Kind || body.ApiVersion != entry.Version)
        {
            error = $"its body is {body.Kind} {body.ApiVersion}, but the entry says {entry.Kind} {entry.Version}";
            return false;
        }

        if (body.LogsSignature && !body.Signature.Span.SequenceEqual(entity.Content.Signature.Span))
        {
            error = "it logs a different signature";
            return false;
        }

        if (body.VerifierIsCertificate != verifierIsCertificate || !SameVerifier(body, verifierDer.Span))
        {
            error = verifierIsCertificate ? "it logs a different certificate" : "it logs a different public key";
            return false;
        }

        switch (entity.Content)
        {
            case MessageSignatureContent message when !body.IsEnvelope:
                // The artifact's digest under the entry's algorithm (cosign logs Ed25519ph signatures with SHA-512); without
                // the artifact, only the digest the signature carries, under its own algorithm.
                var logged = message.Artifact is { } artifact
                    ? Hash(body.DigestAlgorithm, artifact.Span)
                    : message.DigestAlgorithm == body.DigestAlgorithm ? message.ArtifactDigest.ToArray() : null;
                if (logged is null || !body.Digest.Span.SequenceEqual(logged))
                {
                    error = "it logs the digest of a different artifact";
                    return false;
                }

                break;
            case EnvelopeContent envelope when body.IsEnvelope:
                if (!MatchesEnvelope(body, envelope, out error))
                {
                    return false;
                }

                break;
            case EnvelopeContent envelope when body.IsRekorV2:
                // rekor-tiles logs a DSSE envelope as a hashedrekord over its pre-authentication encoding.
                if (!body.Digest.Span.SequenceEqual(Hash(body.DigestAlgorithm, envelope.Envelope.SignedBytes())))
                {
                    error = "it logs the digest of a different DSSE envelope";
                    return false;
                }

                break;
            default:
                error = $"a {body.Kind} entry cannot log this kind of signature";
                return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Whether an <c>intoto</c> or <c>dsse</c> body logs this envelope: the SHA-256 of its payload, its payload type
    /// (<c>intoto</c> 0.0.2) and, where the entry has one and the envelope's JSON is at hand (a cosign <c>.att</c> layer), the
    /// SHA-256 of that JSON, as cosign compares it (<c>VerifyBundle</c>).
    /// </summary>
    /// <remarks>
    /// An <c>intoto</c> 0.0.1 entry logs no signature, so its envelope hash is what binds it to this envelope and
    /// signature: without the envelope's JSON (a bundle re-encodes it) such an entry does not count. An <c>intoto</c> 0.0.2
    /// entry in a bundle is bound by its signature, key, payload hash and payload type, which Rekor verified together
    /// (sigstore-go checks the same); its envelope hash is the client's claim. Entries from before Rekor logged payload
    /// hashes (<c>intoto</c> 0.0.1 without <c>payloadHash</c>) are bound by the envelope hash alone, which covers the payload.
    /// </remarks>
    private static bool MatchesEnvelope(RekorEntryBody body, EnvelopeContent envelope, out string error)
    {
        bool payloadHashLogged = body.LogsSignature || !body.Digest.IsEmpty;
        if (payloadHashLogged && !body.Digest.Span.SequenceEqual(SHA256.HashData(envelope.Envelope.Payload.Span)))
        {
            error = "it logs the digest of a different DSSE payload";
            return false;
        }

        if (body.PayloadType is { } payloadType && payloadType != envelope.Envelope.PayloadType)
        {
            error = $"it logs an envelope of payload type \"{payloadType}\", not \"{envelope.Envelope.PayloadType}\"";
            return false;
        }

        if (body.EnvelopeHash is { } envelopeHash)
        {
            if (envelope.RawEnvelope is { } raw)
            {
                if (!envelopeHash.Span.SequenceEqual(SHA256.HashData(raw.Span)))
                {
                    error = "it logs the hash of a different DSSE envelope";
                    return false;
                }
            }
            else if (!body.LogsSignature)
            {
                error = $"it is an intoto {body.ApiVersion} entry, which names the envelope only by the hash of its JSON, and the signature does not carry that JSON";
                return false;
            }
        }

        error = string.Empty;
        return true;
    }

    /// <summary>Whether the logged key or certificate is <paramref name="verifierDer"/>; a logged public key is compared
    /// by its normalised SubjectPublicKeyInfo (Rekor v2 logs the DER the client sent).</summary>
    private static bool SameVerifier(RekorEntryBody body, ReadOnlySpan<byte> verifierDer)
    {
        if (body.VerifierDer.Span.SequenceEqual(verifierDer))
        {
            return true;
        }

        return !body.VerifierIsCertificate
            && VerificationKey.TryFromSubjectPublicKeyInfo(body.VerifierDer.Span, out var logged, out _)
            && logged.SubjectPublicKeyInfo.SequenceEqual(verifierDer);
    }

    private static byte[] Hash(HashAlgorithmName algorithm, ReadOnlySpan<byte> data)
    {
        return algorithm == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
            : algorithm == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
            : SHA256.HashData(data);
    }
}
