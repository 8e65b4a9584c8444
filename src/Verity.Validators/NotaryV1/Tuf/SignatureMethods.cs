using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// The signature methods of Notary's <c>tuf/signed/verifiers.go</c>, mapped onto
/// <see cref="SignatureVerifier"/>.
/// </summary>
/// <remarks>
/// Every method signs the canonical JSON of <c>signed</c>, hashed with SHA-256 whatever the key size:
/// <list type="bullet">
/// <item><c>ecdsa</c>: ECDSA, the signature as fixed-length big-endian <c>r || s</c> (IEEE P1363).</item>
/// <item><c>rsapss</c>: RSASSA-PSS, MGF1-SHA-256, 32-byte salt.</item>
/// <item><c>rsapkcs1v15</c>: RSASSA-PKCS1-v1_5.</item>
/// <item><c>eddsa</c> (Notary's name) and <c>ed25519</c> (TUF's): PureEdDSA over the message.</item>
/// </list>
/// <c>pycrypto-pkcs#1 pss</c>, which Notary lists but documents as not working, is not supported. RSA keys
/// need at least 2048 bits (enforced by <see cref="VerificationKey"/>, as Notary's verifiers do).
/// </remarks>
internal static class SignatureMethods
{
    /// <summary>Whether <paramref name="signature"/> is a valid <paramref name="method"/> signature of <paramref name="message"/> by <paramref name="key"/>.</summary>
    public static bool Verify(VerificationKey key, string method, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (method, key.Algorithm) switch
        {
            ("ecdsa", KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 or KeyAlgorithm.EcdsaP521) =>
                SignatureVerifier.Verify(key, message, signature, SignatureEncoding.EcdsaP1363),
            ("rsapss", KeyAlgorithm.Rsa) => SignatureVerifier.Verify(key, message, signature, SignatureEncoding.RsaPss),
            ("rsapkcs1v15", KeyAlgorithm.Rsa) => SignatureVerifier.Verify(key, message, signature, SignatureEncoding.Default),
            ("eddsa" or "ed25519", KeyAlgorithm.Ed25519) => SignatureVerifier.Verify(key, message, signature, SignatureEncoding.Default),
            _ => false,
        };
    }
}
