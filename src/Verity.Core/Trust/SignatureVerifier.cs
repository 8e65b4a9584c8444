using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Verity.Core.Trust;

/// <summary>
/// Verifies a signature over a message with a <see cref="VerificationKey"/>; the one place where key
/// algorithms meet signature encodings.
/// </summary>
/// <remarks>
/// The message is hashed with the given hash (SHA-256 unless the format says otherwise); Ed25519
/// signs the message itself (RFC 8032, PureEdDSA) and ignores it, Ed25519ph (<see cref="SignatureEncoding.Ed25519ph"/>)
/// signs its SHA-512. Malformed signatures verify as false,
/// never throw.
/// </remarks>
public static class SignatureVerifier
{
    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="key"/>.</summary>
    public static bool Verify(
        VerificationKey key,
        ReadOnlySpan<byte> message,
        ReadOnlySpan<byte> signature,
        SignatureEncoding encoding = SignatureEncoding.Default,
        HashAlgorithmName? hash = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hashName = hash ?? HashAlgorithmName.SHA256;
        try
        {
            switch (key.Algorithm)
            {
                case KeyAlgorithm.EcdsaP256:
                case KeyAlgorithm.EcdsaP384:
                case KeyAlgorithm.EcdsaP521:
                {
                    if (encoding == SignatureEncoding.RsaPss)
                    {
                        return false;
                    }

                    var ecdsa = key.RentEcdsa();
                    try
                    {
                        var format = encoding == SignatureEncoding.EcdsaP1363
                            ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation
                            : DSASignatureFormat.Rfc3279DerSequence;
                        return ecdsa.VerifyData(message, signature, hashName, format);
                    }
                    finally
                    {
                        key.Return(ecdsa);
                    }
                }

                case KeyAlgorithm.Rsa:
                {
                    var rsa = key.RentRsa();
                    try
                    {
                        var padding = encoding == SignatureEncoding.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                        return rsa.VerifyData(message, signature, hashName, padding);
                    }
                    finally
                    {
                        key.Return(rsa);
                    }
                }

                case KeyAlgorithm.Ed25519:
                {
                    if (encoding == SignatureEncoding.Ed25519ph)
                    {
                        return VerifyEd25519ph(key, SHA512.HashData(message), signature);
                    }

                    if (signature.Length != 64 || encoding != SignatureEncoding.Default)
                    {
                        return false;
                    }

                    var verifier = new Ed25519Signer();
                    verifier.Init(forSigning: false, key.Ed25519Parameters);
                    verifier.BlockUpdate(message);
                    return verifier.VerifySignature(signature.ToArray());
                }

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Verifies a signature over a precomputed digest (ECDSA, RSA, and Ed25519ph over a SHA-512 digest).</summary>
    public static bool VerifyHash(
        VerificationKey key,
        ReadOnlySpan<byte> digest,
        ReadOnlySpan<byte> signature,
        HashAlgorithmName hash,
        SignatureEncoding encoding = SignatureEncoding.Default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            switch (key.Algorithm)
            {
                case KeyAlgorithm.EcdsaP256:
                case KeyAlgorithm.EcdsaP384:
                case KeyAlgorithm.EcdsaP521:
                {
                    var ecdsa = key.RentEcdsa();
                    try
                    {
                        var format = encoding == SignatureEncoding.EcdsaP1363
                            ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation
                            : DSASignatureFormat.Rfc3279DerSequence;
                        return ecdsa.VerifyHash(digest, signature, format);
                    }
                    finally
                    {
                        key.Return(ecdsa);
                    }
                }

                case KeyAlgorithm.Rsa:
                {
                    var rsa = key.RentRsa();
                    try
                    {
                        var padding = encoding == SignatureEncoding.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                        return rsa.VerifyHash(digest, signature, hash, padding);
                    }
                    finally
                    {
                        key.Return(rsa);
                    }
                }

                case KeyAlgorithm.Ed25519:
                    return encoding == SignatureEncoding.Ed25519ph && hash == HashAlgorithmName.SHA512 && VerifyEd25519ph(key, digest, signature);

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>RFC 8032 §5.1 Ed25519ph over a SHA-512 prehash, empty context.</summary>
    private static bool VerifyEd25519ph(VerificationKey key, ReadOnlySpan<byte> prehash, ReadOnlySpan<byte> signature)
    {
        if (prehash.Length != Ed25519.PrehashSize || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        return key.Ed25519Parameters.Verify(Ed25519.Algorithm.Ed25519ph, [], prehash.ToArray(), 0, prehash.Length, signature.ToArray(), 0);
    }
}
