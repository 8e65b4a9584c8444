using Verity.Validators.Cosign.Evidence;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Cosign.TrustedRoot;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Cosign;

/// <summary>
/// Verifies one standalone Sigstore bundle over an artifact digest with the cosign validator's own code (the
/// <c>verity sigstore verify-bundle</c> command).
/// </summary>
/// <remarks>
/// The artifact is bound as a blob (<see cref="SignedArtifact.Blob"/>), as <c>cosign verify-blob</c> does: a
/// message-signature bundle must sign exactly <c>artifact</c> (the SHA-256 of a file); a DSSE bundle must carry an
/// in-toto statement of any predicate type with <c>artifact</c> among its subjects. The validator binds images more
/// strictly (a simple-signing payload, or an accepted predicate type). Then the signature, transparency log entries, timestamps and (keyless) the
/// certificate chain and identity are checked as in <see cref="CosignVerifier"/>.
/// </remarks>
public static class SigstoreBundleVerification
{
    /// <summary>Verifies <paramref name="bundle"/> for <paramref name="trustRoot"/> over <paramref name="artifact"/>.</summary>
    /// <param name="bundle">The bundle's JSON.</param>
    /// <param name="artifact">The SHA-256 digest the bundle must be about.</param>
    /// <param name="trustRoot">A <see cref="PublicKeyTrustRoot"/> or a <see cref="KeylessTrustRoot"/>.</param>
    /// <param name="trustedRoot">A Sigstore <c>TrustedRoot</c> JSON document, or null for the public-good root shipped with Verity.</param>
    /// <param name="requireTransparencyLog">Whether a verified Rekor entry is required.</param>
    /// <param name="timeProvider">The clock (for certificates without a verified signing time).</param>
    /// <exception cref="FormatException"><paramref name="trustedRoot"/> is not a usable trusted root.</exception>
    public static SigstoreBundleVerdict Verify(
        ReadOnlyMemory<byte> bundle,
        Digest artifact,
        TrustRoot trustRoot,
        ReadOnlyMemory<byte>? trustedRoot,
        bool requireTransparencyLog,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(trustRoot);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var material = TrustedMaterial.PublicGood;
        if (trustedRoot is { } json)
        {
            if (!TrustedMaterial.TryParse(json, out var parsed, out var error))
            {
                throw new FormatException($"the trusted root cannot be used: {error}");
            }

            material = parsed;
        }

        var verifier = new CosignImageVerifier(material, timeProvider);
        var report = verifier.Verify(
            artifact,
            new CosignEvidence { Bundles = [new SigstoreBundleBlob(bundle)] },
            [trustRoot],
            new CosignVerificationOptions { RequireTransparencyLog = requireTransparencyLog, Artifact = SignedArtifact.Blob });
        if (report.Refusal is not null)
        {
            return new SigstoreBundleVerdict(false, report.Refusal);
        }

        foreach (var verdict in report.Verdicts)
        {
            switch (verdict)
            {
                case VerifiedSignature verified:
                    return new SigstoreBundleVerdict(true, $"{artifact} signed by {verified.Signer}{(verified.Evidence is { } evidence ? "; " + evidence : string.Empty)}");
                case RejectedSignature rejected:
                    return new SigstoreBundleVerdict(false, rejected.Reason);
            }
        }

        return new SigstoreBundleVerdict(false, "the bundle holds no signature");
    }
}
