using System.Security.Cryptography;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Crypto;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// A key a signed note can be checked against: the signer's name, its 4-byte key ID and how its signatures verify
/// (C2SP signed-note, "Signatures": the pair of key name and key ID identifies the key and its algorithm).
/// </summary>
/// <remarks>
/// The same shape as <c>golang.org/x/mod/sumdb/note.Verifier</c>, which rekor-tiles and sigstore-go use. Only a
/// signature line with both this <see cref="Name"/> and this <see cref="KeyId"/> is this key's; a line that shares one
/// of them but not both is another signer's (C2SP signed-note: "Verifiers MUST ignore signatures from unknown keys,
/// even if they share a name or ID (but not both) with a known key").
/// </remarks>
internal sealed class NoteVerifier
{
    private readonly VerificationKey _key;
    private readonly bool _rekorV1;

    private NoteVerifier(string name, byte[] keyId, VerificationKey key, bool rekorV1)
    {
        Name = name;
        KeyId = keyId;
        _key = key;
        _rekorV1 = rekorV1;
    }

    /// <summary>The signer name the key signs under.</summary>
    public string Name { get; }

    /// <summary>The 4-byte key ID its signature lines start with.</summary>
    public ReadOnlyMemory<byte> KeyId { get; }

    /// <summary>The key ID in hex, for messages.</summary>
    public string KeyIdHex => Convert.ToHexStringLower(KeyId.Span);

    /// <summary>
    /// A Rekor v1 log key: key ID = the first 4 bytes of SHA-256 of the key's SubjectPublicKeyInfo (the log ID), signature by the
    /// key with its default hash (rekor <c>pkg/util/signed_note.go</c>).
    /// </summary>
    /// <param name="key">The log key.</param>
    /// <param name="name">The name Rekor v1 signs under: its host name, which also starts the checkpoint origin.</param>
    /// <param name="keyId">The key ID the trusted root gives (<c>checkpointKeyId</c>), or empty to compute it.</param>
    public static NoteVerifier RekorV1(VerificationKey key, string name, ReadOnlyMemory<byte> keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(name);
        var id = keyId.IsEmpty ? SHA256.HashData(key.SubjectPublicKeyInfo).AsSpan(0, 4).ToArray() : keyId[..4].ToArray();
        return new NoteVerifier(name, id, key, rekorV1: true);
    }

    /// <summary>
    /// A Rekor v2 (C2SP signed note) log key as rekor-tiles <c>pkg/note</c> signs with it: Ed25519 pure over the text, ECDSA with the
    /// curve's hash (DER), RSA PKCS#1 v1.5 with SHA-256; the key ID as <see cref="ComputeKeyId"/> says, unless the trusted root gives it.
    /// </summary>
    /// <param name="key">The log key.</param>
    /// <param name="name">The log's origin, which it signs under.</param>
    /// <param name="keyId">The key ID the trusted root gives (<c>checkpointKeyId</c>; its first 4 bytes), or empty to compute it.</param>
    public static NoteVerifier RekorV2(VerificationKey key, string name, ReadOnlyMemory<byte> keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(name);
        var id = keyId.IsEmpty ? ComputeKeyId(key, name) : keyId[..4].ToArray();
        return new NoteVerifier(name, id, key, rekorV1: false);
    }

    /// <summary>
    /// The C2SP checkpoint key ID of <paramref name="key"/> under <paramref name="name"/>, as protobuf-specs
    /// (<c>TransparencyLogInstance.checkpoint_key_id</c>) and rekor-tiles define it: for Ed25519,
    /// <c>SHA-256(name || 0x0A || 0x01 || 32-byte key)[:4]</c>; for ECDSA, <c>SHA-256(SPKI)[:4]</c>; for RSA,
    /// <c>SHA-256(name || 0x0A || 0xFF || "PKIX-RSA-PKCS#1v1.5" || SPKI)[:4]</c>.
    /// </summary>
    public static byte[] ComputeKeyId(VerificationKey key, string name)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(name);
        byte[] hashed = key.Algorithm switch
        {
            KeyAlgorithm.Ed25519 => [.. Encoding.UTF8.GetBytes(name), 0x0A, 0x01, .. key.GetEd25519Key()],
            KeyAlgorithm.Rsa => [.. Encoding.UTF8.GetBytes(name), 0x0A, 0xFF, .. "PKIX-RSA-PKCS#1v1.5"u8, .. key.SubjectPublicKeyInfo],
            _ => key.SubjectPublicKeyInfo.ToArray(),
        };
        return SHA256.HashData(hashed).AsSpan(0, 4).ToArray();
    }

    /// <summary>Whether this line is by this key: same name and same key ID.</summary>
    public bool Matches(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Name == Name && signature.KeyHint.Span.SequenceEqual(KeyId.Span);
    }

    /// <summary>Whether <paramref name="signature"/> is this key's signature over <paramref name="text"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        if (_rekorV1)
        {
            return SigningAlgorithms.Verify(_key, text, signature, SigningAlgorithms.DefaultHash(_key));
        }

        // The key ID names one algorithm per key type (rekor-tiles pkg/note): no PSS, no Ed25519ph.
        return SignatureVerifier.Verify(_key, text, signature, SignatureEncoding.Default, SigningAlgorithms.DefaultHash(_key));
    }
}
