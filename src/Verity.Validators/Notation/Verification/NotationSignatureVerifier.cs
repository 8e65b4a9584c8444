using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Verity.Core.Trust;
using Verity.Validators.Notation.Envelope;

namespace Verity.Validators.Notation.Verification;

/// <summary>
/// Verifies one Notary Project signature envelope against the manifest it must cover and a set of certificate
/// trust roots, at a verification level (Notary Project trust-policy specification, "Signature Verification
/// details"). Pure: no I/O; the time is the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para><b>Integrity</b> (enforced at every level): the content type is the Notary payload type; the signing scheme
/// is <c>notary.x509</c> or <c>notary.x509.signingAuthority</c>; every <c>crit</c> header is understood and present,
/// and <c>crit</c> lists the signing scheme, and the expiry and authentic signing time when present; the algorithm is
/// PS256/384/512 with an RSA key of at least 2048 bits or ES256/384/512 with the matching curve of the leaf key; the
/// signature value verifies with the leaf key; the chain is well formed (<see cref="CertificateChainCheck"/>); and
/// the payload's <c>targetArtifact</c> equals the admitted manifest's media type, digest and size.</para>
/// <para><b>Authenticity</b> (strict, permissive; logged under audit): one of the trust root's certificates is in the
/// chain (as notation-go's <c>VerifyAuthenticity</c>; the chain has been verified up to its self-signed root).</para>
/// <para><b>Authentic timestamp</b> (strict; logged otherwise): the chain is valid at the signing time. For
/// <c>notary.x509</c> that is the RFC 3161 timestamp over the signature value, verified against the trust root's
/// <c>tsCert</c>, whenever <c>verifyTimestamp: always</c> or the chain has expired by now
/// (<c>afterCertExpiry</c>); with no timestamp or no <c>tsCert</c>, it is now. For
/// <c>notary.x509.signingAuthority</c> it is the authentic signing time. The claimed <c>signingTime</c> is never
/// trusted.</para>
/// <para><b>Expiry</b> (strict; logged otherwise): the <c>expiry</c> header, if any, is not past.</para>
/// <para><b>Revocation</b> is not checked (offline); every verdict logs "revocation not checked".</para>
/// </remarks>
public sealed class NotationSignatureVerifier
{
    private const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";
    private readonly TimeProvider _time;

    /// <summary>Creates the verifier.</summary>
    public NotationSignatureVerifier(TimeProvider timeProvider)
    {
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>Verifies <paramref name="envelope"/> for <paramref name="expected"/> against each of <paramref name="roots"/>.</summary>
    public NotationVerdict Verify(
        NotationEnvelope envelope,
        TargetArtifact expected,
        IReadOnlyList<CertificateTrustRoot> roots,
        NotationVerificationLevel level,
        NotationTimestampPolicy timestampPolicy)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(roots);
        var signer = envelope.Certificates.IsDefaultOrEmpty ? null : envelope.Certificates[0].Subject;
        var integrity = CheckIntegrity(envelope, expected);
        if (integrity is not null)
        {
            return new NotationVerdict { IntegrityFailure = integrity, Signer = signer };
        }

        var now = _time.GetUtcNow();
        var logged = ImmutableArray.CreateBuilder<string>();
        string? expiry = envelope.Expiry is { } e && e < now
            ? $"the signature expired at {e.ToString("O", CultureInfo.InvariantCulture)}"
            : null;
        if (expiry is not null && level != NotationVerificationLevel.Strict)
        {
            logged.Add(expiry + " (logged, not enforced at this verification level)");
            expiry = null;
        }

        var results = ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            string? failure = null;
            if (!root.Certificates.Any(t => envelope.Certificates.Any(c => c.RawData.AsSpan().SequenceEqual(t.RawData))))
            {
                failure = $"certificate chain does not lead to trust root \"{root.Name}\"";
                if (level == NotationVerificationLevel.Audit)
                {
                    // Logged, not enforced: the root stays unsatisfied so the validator can say what strict would decide.
                    logged.Add(failure + " (logged under audit)");
                }
            }

            if (failure is null && CheckTimestamp(envelope, root, timestampPolicy, now, logged) is { } timestamp)
            {
                if (level == NotationVerificationLevel.Strict)
                {
                    failure = timestamp;
                }
                else
                {
                    logged.Add(timestamp + " (logged, not enforced at this verification level)");
                }
            }

            results[root.Name] = failure ?? expiry;
        }

        logged.Add("revocation not checked (Verity verifies offline)");
        return new NotationVerdict { Roots = results.ToImmutable(), Logged = logged.ToImmutable(), Signer = signer };
    }

    private static string? CheckIntegrity(NotationEnvelope envelope, TargetArtifact expected)
    {
        if (envelope.ContentType != NotaryHeaders.PayloadContentType)
        {
            return $"the payload content type \"{envelope.ContentType}\" is not \"{NotaryHeaders.PayloadContentType}\"";
        }

        if (envelope.SigningScheme is not (NotaryHeaders.SchemeX509 or NotaryHeaders.SchemeSigningAuthority))
        {
            return $"the signing scheme \"{envelope.SigningScheme}\" is not supported";
        }

        foreach (var name in envelope.Critical)
        {
            if (!NotaryHeaders.UnderstoodCritical.Contains(name))
            {
                return $"the critical header \"{name}\" is not understood";
            }

            if (!envelope.ProtectedNames.Contains(name))
            {
                return $"the critical header \"{name}\" is listed in crit but missing";
            }
        }

        var mustBeCritical = new List<string> { NotaryHeaders.SigningScheme };
        if (envelope.Expiry is not null)
        {
            mustBeCritical.Add(NotaryHeaders.Expiry);
        }

        if (envelope.SigningScheme == NotaryHeaders.SchemeSigningAuthority)
        {
            if (envelope.AuthenticSigningTime is null)
            {
                return "the signing scheme notary.x509.signingAuthority needs an authentic signing time";
            }

            mustBeCritical.Add(NotaryHeaders.AuthenticSigningTime);
        }
        else if (envelope.SigningTime is null)
        {
            return "the signature has no signing time";
        }

        if (mustBeCritical.FirstOrDefault(n => !envelope.Critical.Contains(n)) is { } notCritical)
        {
            return $"the header \"{notCritical}\" must be listed in crit";
        }

        if (envelope.Algorithm is not { } algorithm)
        {
            return $"the signature algorithm \"{envelope.AlgorithmText}\" is not supported (supported: PS256, PS384, PS512, ES256, ES384, ES512)";
        }

        if (CertificateChainCheck.FindProblem(envelope.Certificates) is { } chainProblem)
        {
            return chainProblem;
        }

        var leaf = envelope.Certificates[0];
        using (var rsa = leaf.GetRSAPublicKey())
        using (var ec = leaf.GetECDsaPublicKey())
        {
            AsymmetricAlgorithm? key = algorithm.StartsWith("PS", StringComparison.Ordinal) ? rsa : ec;
            if (key is null)
            {
                return $"the signature algorithm {algorithm} does not match the signing certificate's key";
            }

            if (key is RSA && key.KeySize < 2048)
            {
                return $"the signing certificate's RSA key has {key.KeySize} bits, fewer than 2048";
            }

            if (key is ECDsa ecdsa && CurveBits(ecdsa) != algorithm[2..])
            {
                return $"the signature algorithm {algorithm} does not match the signing certificate's curve";
            }

            if (!envelope.VerifySignature(key))
            {
                return $"the signature does not verify with the key of \"{leaf.Subject}\"";
            }
        }

        return CheckPayload(envelope.Payload, expected);
    }

    private static string CurveBits(ECDsa key) => key.ExportParameters(false).Curve.Oid.Value switch
    {
        "1.2.840.10045.3.1.7" => "256",
        "1.3.132.0.34" => "384",
        "1.3.132.0.35" => "512",
        _ => "?",
    };

    private static string? CheckPayload(ReadOnlyMemory<byte> payload, TargetArtifact expected)
    {
        TargetArtifact? signed;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var target = doc.RootElement.GetProperty("targetArtifact");
            if (HasDuplicateKeys(doc.RootElement) || HasDuplicateKeys(target))
            {
                // Go's encoding/json keeps the last of a repeated key, System.Text.Json the first: refuse the ambiguity.
                return "the signed payload repeats a key";
            }

            signed = new TargetArtifact(
                target.GetProperty("mediaType").GetString() ?? string.Empty,
                target.GetProperty("digest").GetString() ?? string.Empty,
                target.GetProperty("size").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return $"the signed payload is not a Notary payload with a targetArtifact: {e.Message}";
        }

        if (!string.Equals(signed.Digest, expected.Digest, StringComparison.Ordinal))
        {
            return $"signature covers {signed.Digest} not {expected.Digest}";
        }

        if (expected.Size >= 0 && signed.Size != expected.Size)
        {
            return $"signature covers {signed.Digest} with size {signed.Size}, not the manifest's {expected.Size} bytes";
        }

        if (expected.MediaType.Length > 0 && !string.Equals(signed.MediaType, expected.MediaType, StringComparison.Ordinal))
        {
            return $"signature covers media type \"{signed.MediaType}\", not the manifest's \"{expected.MediaType}\"";
        }

        return null;
    }

    private static bool HasDuplicateKeys(JsonElement element)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        return element.ValueKind == JsonValueKind.Object && element.EnumerateObject().Any(p => !names.Add(p.Name));
    }

    private static string? CheckTimestamp(NotationEnvelope envelope, CertificateTrustRoot root, NotationTimestampPolicy policy, DateTimeOffset now, ImmutableArray<string>.Builder logged)
    {
        var chain = envelope.Certificates;
        if (envelope.SigningScheme == NotaryHeaders.SchemeSigningAuthority)
        {
            var at = envelope.AuthenticSigningTime!.Value;
            return CertificateChainCheck.FirstInvalidAt(chain, at) is { } bad
                ? $"certificate \"{bad.Subject}\" was not valid at the authentic signing time {at.ToString("O", CultureInfo.InvariantCulture)}"
                : null;
        }

        var invalidNow = CertificateChainCheck.FirstInvalidAt(chain, now);
        bool useTimestamp = policy == NotationTimestampPolicy.Always || invalidNow is not null;
        if (!useTimestamp)
        {
            return null;
        }

        if (envelope.TimestampToken is not { } token || root.TimestampRoots is not { Count: > 0 } tsaRoots)
        {
            if (envelope.TimestampToken is not null)
            {
                logged.Add($"timestamp not verified: trust root \"{root.Name}\" has no tsCert; the chain is checked at the current time");
            }

            return invalidNow is null
                ? null
                : $"certificate \"{invalidNow.Subject}\" is not valid now (valid {invalidNow.NotBefore.ToUniversalTime():O} to {invalidNow.NotAfter.ToUniversalTime():O}) and no trusted timestamp shows the signature was made in time";
        }

        if (!Rfc3161TimestampToken.TryDecode(token, out var decoded, out _))
        {
            return "the timestamp countersignature cannot be read";
        }

        var tokenCerts = decoded.AsSignedCms().Certificates;
        if (!decoded.VerifySignatureForData(envelope.SignatureValue.Span, out var tsaCert, tokenCerts) || tsaCert is null)
        {
            return "the timestamp countersignature does not cover the signature value";
        }

        var time = decoded.TokenInfo.Timestamp;
        using (var x509 = new X509Chain())
        {
            x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            x509.ChainPolicy.CustomTrustStore.AddRange(tsaRoots);
            x509.ChainPolicy.ExtraStore.AddRange(tokenCerts);
            x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            x509.ChainPolicy.DisableCertificateDownloads = true;
            x509.ChainPolicy.ApplicationPolicy.Add(new Oid(TimeStampingOid));
            x509.ChainPolicy.VerificationTime = time.UtcDateTime;
            if (!x509.Build(tsaCert))
            {
                return $"the timestamp authority \"{tsaCert.Subject}\" does not lead to the tsCert of trust root \"{root.Name}\"";
            }
        }

        var accuracy = TimeSpan.FromTicks((decoded.TokenInfo.AccuracyInMicroseconds ?? 0) * 10);
        var bad2 = CertificateChainCheck.FirstInvalidAt(chain, time - accuracy) ?? CertificateChainCheck.FirstInvalidAt(chain, time + accuracy);
        return bad2 is null
            ? null
            : $"certificate \"{bad2.Subject}\" was not valid at the timestamp {time.ToString("O", CultureInfo.InvariantCulture)}";
    }
}
