using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Notation.Envelope;

/// <summary>
/// A parsed Notary Project signature envelope (JWS or COSE_Sign1): its protected headers, certificate chain,
/// payload and the means to check the signature value. Parsing checks only the shape; every security decision is
/// made by the verifier.
/// </summary>
public abstract class NotationEnvelope
{
    /// <summary>The envelope media type.</summary>
    public abstract string MediaType { get; }

    /// <summary>The signature algorithm, by its JWS name (<c>PS256</c> … <c>ES512</c>), or null when it is not one of those.</summary>
    public required string? Algorithm { get; init; }

    /// <summary>The algorithm as the envelope writes it, for messages.</summary>
    public required string AlgorithmText { get; init; }

    /// <summary>The protected content type (<c>cty</c>).</summary>
    public required string? ContentType { get; init; }

    /// <summary>The names in the protected <c>crit</c> header.</summary>
    public required ImmutableArray<string> Critical { get; init; }

    /// <summary>The names of all protected headers.</summary>
    public required IReadOnlySet<string> ProtectedNames { get; init; }

    /// <summary>The signing scheme.</summary>
    public required string? SigningScheme { get; init; }

    /// <summary>The signing time the signer claims (not authenticated).</summary>
    public required DateTimeOffset? SigningTime { get; init; }

    /// <summary>The authentic signing time (scheme <c>notary.x509.signingAuthority</c>).</summary>
    public required DateTimeOffset? AuthenticSigningTime { get; init; }

    /// <summary>The signature's expiry, if set.</summary>
    public required DateTimeOffset? Expiry { get; init; }

    /// <summary>The certificate chain, leaf first.</summary>
    public required ImmutableArray<X509Certificate2> Certificates { get; init; }

    /// <summary>The RFC 3161 timestamp token over <see cref="SignatureValue"/>, if any.</summary>
    public required ReadOnlyMemory<byte>? TimestampToken { get; init; }

    /// <summary>The signature value.</summary>
    public required ReadOnlyMemory<byte> SignatureValue { get; init; }

    /// <summary>The payload bytes (JSON with <c>targetArtifact</c>).</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Whether the signature value verifies with <paramref name="key"/> (an RSA key with PSS, or an ECDSA key).</summary>
    public abstract bool VerifySignature(AsymmetricAlgorithm key);
}
