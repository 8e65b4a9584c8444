using System.Security.Cryptography;
using Verity.Core.Trust;

namespace Verity.Validators.Cosign.Crypto;

/// <summary>
/// Which hash and padding sigstore pairs with a key, on top of <see cref="SignatureVerifier"/>.
/// </summary>
/// <remarks>
/// sigstore-go's defaults (<c>signature.LoadDefaultVerifier</c>): ECDSA P-256/P-384/P-521 with SHA-256/384/512,
/// RSA with SHA-256, Ed25519 pure; cosign signs with Ed25519 keys as Ed25519ph (SHA-512 prehash, <c>pkg/cosign/keys.go</c>:
/// "the only available option for hashedrekord entries"), so both are tried, as are both RSA paddings. Legacy cosign signatures (the <c>.sig</c> layers) always hash with SHA-256
/// (cosign's <c>--key</c> and Fulcio paths load verifiers with <c>crypto.SHA256</c>). An RSA key does not say
/// which padding its owner chose, so PKCS#1 v1.5 is tried first and PSS second, as both are sigstore
/// signing algorithms for the same key (<c>PKIX_RSA_PKCS1V15_*</c>, <c>PKIX_RSA_PSS_*</c>).
/// </remarks>
internal static class SigningAlgorithms
{
    /// <summary>The hash sigstore uses by default with <paramref name="key"/>.</summary>
    public static HashAlgorithmName DefaultHash(VerificationKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Algorithm switch
        {
            KeyAlgorithm.EcdsaP384 => HashAlgorithmName.SHA384,
            KeyAlgorithm.EcdsaP521 => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
    }

    /// <summary>Verifies a signature over a message with the given hash (ignored by Ed25519).</summary>
    public static bool Verify(VerificationKey key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (SignatureVerifier.Verify(key, message, signature, SignatureEncoding.Default, hash))
        {
            return true;
        }

        return key.Algorithm switch
        {
            KeyAlgorithm.Rsa => SignatureVerifier.Verify(key, message, signature, SignatureEncoding.RsaPss, hash),
            KeyAlgorithm.Ed25519 => SignatureVerifier.Verify(key, message, signature, SignatureEncoding.Ed25519ph),
            _ => false,
        };
    }

    /// <summary>Verifies a signature over a precomputed digest (ECDSA and RSA; Ed25519ph over a SHA-512 digest; pure Ed25519 needs the message).</summary>
    public static bool VerifyDigest(VerificationKey key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (SignatureVerifier.VerifyHash(key, digest, signature, hash))
        {
            return true;
        }

        return key.Algorithm switch
        {
            KeyAlgorithm.Rsa => SignatureVerifier.VerifyHash(key, digest, signature, hash, SignatureEncoding.RsaPss),
            KeyAlgorithm.Ed25519 => SignatureVerifier.VerifyHash(key, digest, signature, hash, SignatureEncoding.Ed25519ph),
            _ => false,
        };
    }
}
