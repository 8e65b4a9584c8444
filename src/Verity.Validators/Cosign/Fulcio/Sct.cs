namespace Verity.Validators.Cosign.Fulcio;

/// <summary>A v1 signed certificate timestamp (RFC 6962 §3.2).</summary>
/// <param name="LogId">SHA-256 of the CT log key's SubjectPublicKeyInfo.</param>
/// <param name="Timestamp">Milliseconds since the epoch.</param>
/// <param name="Extensions">The CT extensions (usually empty).</param>
/// <param name="HashAlgorithm">TLS HashAlgorithm (4 = SHA-256).</param>
/// <param name="SignatureAlgorithm">TLS SignatureAlgorithm (1 = RSA, 3 = ECDSA).</param>
/// <param name="Signature">The signature.</param>
internal sealed record Sct(
    ReadOnlyMemory<byte> LogId,
    long Timestamp,
    ReadOnlyMemory<byte> Extensions,
    byte HashAlgorithm,
    byte SignatureAlgorithm,
    ReadOnlyMemory<byte> Signature);
