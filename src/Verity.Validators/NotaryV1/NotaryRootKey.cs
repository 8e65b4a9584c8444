using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1;

/// <summary>A root key of a Notary collection that signed its <c>root.json</c>: what a notaryv1 trust root pins.</summary>
/// <param name="KeyId">The key ID <c>root.json</c> lists it under (for <c>ecdsa-x509</c>/<c>rsa-x509</c> keys the ID of
/// the certificate, which differs per collection even for one key pair).</param>
/// <param name="KeyType">The TUF key type, e.g. <c>ecdsa-x509</c>.</param>
/// <param name="Key">The public key (for x509 types, the key inside the certificate).</param>
public sealed record NotaryRootKey(string KeyId, string KeyType, VerificationKey Key);
