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
/// chain (as notation-go's <c>VerifyAuthenticity</c>; the chain has been verified up to its self-signed root). Trust
/// roots are CA trust stores, so a <c>notary.x509.signingAuthority</c> signature never satisfies one.</para>
/// <para><b>Authentic timestamp</b> (strict; logged otherwise): the chain is valid at the signing time. For
/// <c>notary.x509</c> that is the RFC 3161 timestamp over the signature value, verified against the trust root's
/// <c>tsCert</c>, whenever <c>verifyTimestamp: always</c> or the chain has expired by now
/// (<c>afterCertExpiry</c>), and then a missing timestamp fails the check; with no <c>tsCert</c>, it is now. For
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
            }
            else if (envelope.SigningScheme == NotaryHeaders.SchemeSigningAuthority)
            {
                // Trust-store specification: notary.x509.signingAuthority signatures are authenticated by a trust store
                // of type signingAuthority, never by a CA store (notation-go loadX509TrustStores). A CA's signer could
                // otherwise claim any "authentic" signing time and outlive its certificate.
                failure = $"trust root \"{root.Name}\" is a CA trust store; signing scheme notary.x509.signingAuthority needs a signing-authority trust store, which Verity does not support";
            }

            if (failure is not null)
            {
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
        return new NotationVerdict
        {
            Roots = results.ToImmutable(),
            Logged = logged.ToImmutable(),
            Signer = signer,
            SignerThumbprint = envelope.Certificates[0].GetCertHashString(HashAlgorithmName.SHA256),
        };
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

        DateTimeOffset signedAt;
        if (envelope.SigningScheme == NotaryHeaders.SchemeSigningAuthority)
        {
            if (envelope.AuthenticSigningTime is not { } authentic)
            {
                return "the signing scheme notary.x509.signingAuthority needs an authentic signing time";
            }

            if (envelope.SigningTime is not null)
            {
                return "the signing scheme notary.x509.signingAuthority must not have a (claimed) signing time";
            }

            signedAt = authentic;
            mustBeCritical.Add(NotaryHeaders.AuthenticSigningTime);
        }
        else if (envelope.SigningTime is not { } claimed)
        {
            return "the signature has no signing time";
        }
        else if (envelope.AuthenticSigningTime is not null)
        {
            return "the signing scheme notary.x509 must not have an authentic signing time";
        }
        else
        {
            signedAt = claimed;
        }

        if (envelope.Expiry is { } expiresAt && expiresAt <= signedAt)
        {
            // notation-core-go validateSigningAndExpiryTime: such a signature is malformed, whatever the level.
            return "the signature's expiry is not after its signing time";
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
        try
        {
            using var rsa = leaf.GetRSAPublicKey();
            using var ec = leaf.GetECDsaPublicKey();
            AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)rsa ?? ec;
            if (KeyAlgorithm(rsa, ec) is not { } keyAlgorithm)
            {
                return key is RSA
                    ? $"the signing certificate's RSA key has {key.KeySize} bits; supported: 2048, 3072 and 4096"
                    : "the signing certificate's key is not RSA (2048, 3072 or 4096 bits) or ECDSA on P-256, P-384 or P-521";
            }

            // Signature specification, "Algorithm Selection": the key determines the algorithm (notation-core-go
            // validateCertificateChain refuses any other).
            if (keyAlgorithm != algorithm)
            {
                return $"the signature algorithm {algorithm} is not the one the signing certificate's key determines ({keyAlgorithm})";
            }

            if (!envelope.VerifySignature(key!))
            {
                return $"the signature does not verify with the key of \"{leaf.Subject}\"";
            }
        }
        catch (CryptographicException e)
        {
            return $"the signing certificate's key cannot be used: {e.Message}";
        }

        return CheckPayload(envelope.Payload, expected);
    }

    private static string? KeyAlgorithm(RSA? rsa, ECDsa? ec)
    {
        if (rsa is not null)
        {
            return rsa.KeySize switch
            {
                2048 => "PS256",
                3072 => "PS384",
                4096 => "PS512",
                _ => null,
            };
        }

        return ec?.ExportParameters(false).Curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => "ES256",
            "1.3.132.0.34" => "ES384",
            "1.3.132.0.35" => "ES512",
            _ => null,
        };
    }

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

    private static string UnreadableTimestamp(ReadOnlyMemory<byte> token)
    {
        // Rfc3161TimestampToken.TryDecode also refuses a TSA certificate whose extended key usage is not the critical
        // timeStamping one (RFC 3161 §2.3): say so when that is why.
        try
        {
            var cms = new SignedCms();
            cms.Decode(token.Span);
            if (cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } signer
                && CertificateChainCheck.FindTimestampingProblem([signer]) is { } problem && problem.Contains("extended key usage", StringComparison.Ordinal))
            {
                return problem;
            }
        }
        catch (CryptographicException)
        {
        }

        return "the timestamp countersignature cannot be read (not an RFC 3161 timestamp token)";
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

        var hasToken = envelope.TimestampToken is { IsEmpty: false };
        if (root.TimestampRoots is not { Count: > 0 } tsaRoots)
        {
            if (hasToken)
            {
                logged.Add($"timestamp not verified: trust root \"{root.Name}\" has no tsCert; the chain is checked at the current time");
            }

            return invalidNow is null
                ? null
                : $"certificate \"{invalidNow.Subject}\" is not valid now (valid {invalidNow.NotBefore.ToUniversalTime():O} to {invalidNow.NotAfter.ToUniversalTime():O}) and no trusted timestamp shows the signature was made in time";
        }

        if (!hasToken)
        {
            // Trust-policy specification, timestamp verification "existence": once triggered (tsCert configured, and
            // verifyTimestamp always or the chain expired), a missing countersignature fails the step.
            return policy == NotationTimestampPolicy.Always
                ? $"the signature has no timestamp countersignature, and trust root \"{root.Name}\" has a tsCert (verifyTimestamp: always)"
                : $"the signature has no timestamp countersignature, and certificate \"{invalidNow!.Subject}\" is not valid now (valid {invalidNow.NotBefore.ToUniversalTime():O} to {invalidNow.NotAfter.ToUniversalTime():O})";
        }

        var token = envelope.TimestampToken!.Value;
        if (!Rfc3161TimestampToken.TryDecode(token, out var decoded, out _))
        {
            return UnreadableTimestamp(token);
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

            if (CertificateChainCheck.FindTimestampingProblem([.. x509.ChainElements.Select(e => e.Certificate)]) is { } tsaProblem)
            {
                return tsaProblem;
            }
        }

        // RFC 3161 §2.4.2: the time is genTime ± accuracy; an accuracy beyond a year proves nothing (and would overflow).
        var micros = decoded.TokenInfo.AccuracyInMicroseconds ?? 0;
        if (micros is < 0 or > 366L * 24 * 3600 * 1_000_000)
        {
            return $"the timestamp's accuracy of {micros} microseconds is too coarse to show when the signature was made";
        }

        var accuracy = TimeSpan.FromTicks(micros * 10);
        var bad2 = CertificateChainCheck.FirstInvalidAt(chain, time - accuracy) ?? CertificateChainCheck.FirstInvalidAt(chain, time + accuracy);
        return bad2 is null
            ? null
            : $"certificate \"{bad2.Subject}\" was not valid at the timestamp {time.ToString("O", CultureInfo.InvariantCulture)}";
    }
}
