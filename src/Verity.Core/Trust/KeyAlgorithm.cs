namespace Verity.Core.Trust;

/// <summary>The public-key algorithms Verity verifies signatures with.</summary>
public enum KeyAlgorithm
{
    /// <summary>ECDSA on NIST P-256.</summary>
    EcdsaP256,

    /// <summary>ECDSA on NIST P-384.</summary>
    EcdsaP384,

    /// <summary>ECDSA on NIST P-521.</summary>
    EcdsaP521,

    /// <summary>RSA (PKCS#1 v1.5 or PSS, decided by the signature format).</summary>
    Rsa,

    /// <summary>Ed25519 (RFC 8032).</summary>
    Ed25519,
}
