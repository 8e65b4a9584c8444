namespace Verity.Validators.Cosign.Fulcio;

/// <summary>A v1 signed certificate timestamp (RFC 6962 §3.2).</summary>
/// <param name="LogId">SHA-256 of the CT log key's SubjectPublicKeyInfo.</param>
/// <param name="Timestamp">Milliseconds since the epoch.</param>
/// <param name="Extensions">The CT extensions (usually empty).</param>
/// <param name="HashAlgorithm">TLS HashAlgorithm (RFC 5246 §7.4.1.4.1); RFC 6962 §2.1.4 allows only 4 = SHA-256.</param>
/// <param name="SignatureAlgorithm">TLS SignatureAlgorithm: 1 = RSA (RSASSA-PKCS1-v1_5), 3 = ECDSA (P-256), the only two
/// RFC 6962 §2.1.4 allows.</param>
/// <param name="Signature">The signature: PKCS#1 v1.5 bytes for RSA, a DER <c>Ecdsa-Sig-Value</c> for ECDSA.</param>
internal sealed record Sct(
    ReadOnlyMemory<byte> LogId,
    long Timestamp,
    ReadOnlyMemory<byte> Extensions,
    byte HashAlgorithm,
    byte SignatureAlgorithm,
    ReadOnlyMemory<byte> Signature);
