using Verity.Core.Trust;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// A transparency log Verity trusts: a Rekor instance (entries, signed entry timestamps, checkpoints) or a
/// certificate transparency log (SCTs). <c>TransparencyLogInstance</c> in the Sigstore trusted root.
/// </summary>
internal sealed record TransparencyLog
{
    /// <summary>The log ID: SHA-256 of the DER SubjectPublicKeyInfo of <see cref="Key"/> (RFC 6962 §3.2).</summary>
    public required ReadOnlyMemory<byte> LogId { get; init; }

    /// <summary>The log's signing key, or null when the trusted root gives one Verity cannot use (see <see cref="Unusable"/>).</summary>
    public required VerificationKey? Key { get; init; }

    /// <summary>Why <see cref="Key"/> is null, e.g. <c>the key details ML_DSA_65 are not supported</c>: entries and SCTs of this
    /// log cannot be verified, and nothing else in the trusted root is affected.</summary>
    public string? Unusable { get; init; }

    /// <summary>The signature algorithm the trusted root names for the key (<c>PublicKeyDetails</c>, e.g.
    /// <c>PKIX_ECDSA_P256_SHA_256</c>), or null for a key given as a bare PEM.</summary>
    public string? KeyDetails { get; init; }

    /// <summary>
    /// The key ID of the log's checkpoint signatures as the trusted root gives it (v0.2 <c>checkpointKeyId.keyId</c>: 4 bytes, or a
    /// 32-byte hash whose first 4 bytes are the key ID), or empty to compute it from the key. It only picks the log's signature line
    /// out of a checkpoint's; the signature must still verify with <see cref="Key"/>.
    /// </summary>
    public ReadOnlyMemory<byte> CheckpointKeyId { get; init; }

    /// <summary>Who runs the log (v0.2 <c>operator</c>, a scheme-less URI such as <c>sigstore.dev</c>), or null.</summary>
    public string? Operator { get; init; }

    /// <summary>When the key may sign.</summary>
    public ValidityPeriod Validity { get; init; }

    /// <summary>The log's URL, for messages.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The log ID in lower-case hex, as Rekor writes it.</summary>
    public string LogIdHex => Convert.ToHexStringLower(LogId.Span);

    /// <summary>A short name for messages.</summary>
    public override string ToString() => BaseUrl is null ? $"log {LogIdHex[..16]}…" : $"log {BaseUrl}";
}
