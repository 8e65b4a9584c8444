namespace Verity.Core.Trust;

/// <summary>How a signature's bytes are laid out, which depends on the format that carries it.</summary>
public enum SignatureEncoding
{
    /// <summary>
    /// What the format implies for the key: ECDSA as DER <c>SEQUENCE { r, s }</c> (cosign, sigstore, X.509),
    /// RSA PKCS#1 v1.5, Ed25519 raw.
    /// </summary>
    Default,

    /// <summary>ECDSA as fixed-length big-endian <c>r || s</c> (IEEE P1363), as TUF/Notary write it.</summary>
    EcdsaP1363,

    /// <summary>RSA-PSS with MGF1 and a salt as long as the hash (Notary's <c>rsapss</c>).</summary>
    RsaPss,

    /// <summary>
    /// Ed25519ph (RFC 8032 §5.1, HashEdDSA): the signature is over the SHA-512 of the message, with an empty context.
    /// cosign signs with Ed25519 keys this way, because a transparency log's hashedrekord entry holds only a digest.
    /// </summary>
    Ed25519ph,
}
