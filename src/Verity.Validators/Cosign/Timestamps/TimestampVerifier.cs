using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Timestamps;

/// <summary>
/// Verifies an RFC 3161 timestamp over a signature against the trusted timestamp authorities.
/// </summary>
/// <remarks>
/// Accepts a <c>TimeStampResp</c> (RFC 3161 §2.4.2; its status must be granted or grantedWithMods) or a bare
/// <c>TimeStampToken</c>. The token's message imprint must be the hash of the signature bytes and its CMS
/// signature must verify (<see cref="Rfc3161TimestampToken.VerifySignatureForData"/>, which also checks the
/// ESS signing-certificate attribute); the signer, found among the token's certificates or the authority's
/// own, must chain to the authority's root with the time-stamping extended key usage at the token's time, and
/// that time must lie in the authority's validity. No revocation checks (as sigstore-go).
/// </remarks>
internal static class TimestampVerifier
{
    /// <summary>Verifies <paramref name="signedTimestamp"/> over <paramref name="signature"/>.</summary>
    /// <returns>The verified time, or false with the reason.</returns>
    public static bool TryVerify(
        ReadOnlyMemory<byte> signedTimestamp,
        ReadOnlySpan<byte> signature,
        TrustedMaterial material,
        out DateTimeOffset time,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(material);
        time = default;
        if (!TryUnwrap(signedTimestamp, out var tokenBytes, out error))
        {
            return false;
        }

        if (!Rfc3161TimestampToken.TryDecode(tokenBytes, out var token, out int consumed) || consumed != tokenBytes.Length)
        {
            error = "the timestamp token cannot be read";
            return false;
        }

        if (material.TimestampAuthorities.IsEmpty)
        {
            error = "no timestamp authority is trusted";
            return false;
        }

        var embedded = token.AsSignedCms().Certificates;
        var reasons = new List<string>();
        foreach (var authority in material.TimestampAuthorities)
        {
            var candidates = new X509Certificate2Collection();
            candidates.AddRange(authority.Candidates().ToArray());
            X509Certificate2? signer;
            try
            {
                if (!token.VerifySignatureForData(signature, out signer, candidates))
                {
                    signer = null;
                }
            }
            catch (CryptographicException)
            {
                signer = null;
            }

            if (signer is null)
            {
                reasons.Add("the timestamp is not over this signature or its signature does not verify");
                continue;
            }

            var at = token.TokenInfo.Timestamp;
            if (!authority.Validity.Contains(at))
            {
                reasons.Add($"the timestamp {at:u} is outside the validity of the timestamp authority {authority.Uri ?? authority.Root.Subject}");
                continue;
            }

            if (!CertificateChain.TryBuild(signer, authority.Root, authority.Intermediates.Concat(embedded), at, CertificateChain.TimeStampingEku, out _, out var chainError))
            {
                reasons.Add($"the timestamp signer does not chain to {authority.Root.Subject}: {chainError}");
                continue;
            }

            time = at;
            error = null;
            return true;
        }

        error = string.Join("; ", reasons.Distinct());
        return false;
    }

    private static bool TryUnwrap(ReadOnlyMemory<byte> bytes, out ReadOnlyMemory<byte> token, [NotNullWhen(false)] out string? error)
    {
        token = default;
        try
        {
            var outer = new AsnReader(bytes, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            if (sequence.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                token = bytes;
                error = null;
                return true;
            }

            var status = sequence.ReadSequence();
            if (!status.TryReadInt32(out int code) || code is not (0 or 1))
            {
                error = "the timestamp response does not grant a timestamp";
                return false;
            }

            if (!sequence.HasData)
            {
                error = "the timestamp response holds no token";
                return false;
            }

            token = sequence.ReadEncodedValue();
            error = null;
            return true;
        }
        catch (AsnContentException e)
        {
            error = $"the timestamp cannot be read: {e.Message}";
            return false;
        }
        catch (CryptographicException e)
        {
            error = $"the timestamp cannot be read: {e.Message}";
            return false;
        }
    }
}
