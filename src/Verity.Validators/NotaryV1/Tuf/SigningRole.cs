using System.Collections.Immutable;
using Verity.Core.Trust;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// A role's keys and threshold, resolved from the metadata that delegates to it: <c>root.json</c> for the
/// top-level roles, the parent's <c>delegations</c> for delegated roles. Verifies a metadata file's
/// signatures against them.
/// </summary>
/// <param name="Name">The role name, for messages.</param>
/// <param name="Keys">The role's keys by the key ID the delegating metadata lists them under.</param>
/// <param name="Threshold">How many distinct keys must have signed.</param>
internal sealed record SigningRole(string Name, ImmutableDictionary<string, TufKey> Keys, int Threshold)
{
    /// <summary>The keys among <paramref name="keys"/> with the given IDs.</summary>
    public static ImmutableDictionary<string, TufKey> Select(ImmutableDictionary<string, TufKey> keys, IEnumerable<string> keyIds)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(keyIds);
        var selected = ImmutableDictionary.CreateBuilder<string, TufKey>(StringComparer.Ordinal);
        foreach (var id in keyIds)
        {
            selected[id] = keys[id];
        }

        return selected.ToImmutable();
    }

    /// <summary>
    /// Whether <paramref name="other"/> has the same threshold and the same keys under the same key IDs, so
    /// that metadata one of them verified is verified for the other too.
    /// </summary>
    /// <remarks>Key IDs are computed from the key content (<see cref="TufKey.Id"/>), so equal IDs mean equal keys.</remarks>
    public bool HasSameKeysAs(SigningRole other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Threshold != other.Threshold || Keys.Count != other.Keys.Count)
        {
            return false;
        }

        foreach (var (listedId, key) in Keys)
        {
            if (!other.Keys.TryGetValue(listedId, out var otherKey) || otherKey.Id != key.Id || otherKey.KeyType != key.KeyType)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads every key of the role now (<see cref="TufKey"/> reads a key on first use), so that it is ready before the
    /// metadata it verifies arrives; decides nothing, and a key that cannot be read is left for <see cref="Verify"/>.
    /// </summary>
    public void ImportKeys()
    {
        foreach (var key in Keys.Values)
        {
            _ = key.Key;
        }
    }

    /// <summary>
    /// Checks that a threshold of this role's keys signed <paramref name="metadata"/> (TUF §5.4.2, §5.5.3,
    /// §5.6.3; Notary's <c>signed.VerifySignatures</c>).
    /// </summary>
    /// <remarks>
    /// Signatures are matched to keys by key ID; a signature whose key ID is not one of the role's is ignored.
    /// As in Notary, a signature naming a listed key ID whose key content hashes to a different ID fails the
    /// whole check. Each key counts once, and keys are compared by public key, so one key listed under two
    /// IDs (say as <c>ecdsa</c> and as <c>ecdsa-x509</c>) cannot meet a threshold of 2 alone.
    /// </remarks>
    /// <param name="metadata">The metadata.</param>
    /// <param name="verifiedBefore">Signatures of this very <paramref name="metadata"/> already found valid, each with the
    /// key that verified it (the pinned keys' check of root): a listed key equal to that key (the same public key) counts
    /// for that signature without verifying it again, since the same key, method, message and signature give the same answer.</param>
    /// <exception cref="UnsignedMetadataException">The threshold is not met.</exception>
    public void Verify(TufMetadata metadata, IReadOnlyList<(TufSignature Signature, VerificationKey Key)>? verifiedBefore = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Signatures.IsEmpty)
        {
            throw new UnsignedMetadataException($"{Name} has no signatures");
        }

        var signers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in metadata.Signatures)
        {
            if (!Keys.TryGetValue(signature.KeyId, out var key))
            {
                continue;
            }

            if (key.Id != signature.KeyId)
            {
                throw new UnsignedMetadataException(
                    $"{Name} is signed with key ID {signature.KeyId}, but the key listed under that ID has ID {key.Id}");
            }

            if (key.Key is not null
                && !signers.Contains(key.Key.Fingerprint())
                && (WasVerified(signature, key.Key) || SignatureMethods.Verify(key.Key, signature.Method, metadata.SignedBytes.Span, signature.Value)))
            {
                signers.Add(key.Key.Fingerprint());
            }
        }

        if (signers.Count < Threshold)
        {
            throw new UnsignedMetadataException(
                $"{Name} has {signers.Count} of {Threshold} required valid signatures");
        }

        bool WasVerified(TufSignature signature, VerificationKey key)
        {
            if (verifiedBefore is null)
            {
                return false;
            }

            foreach (var (verified, by) in verifiedBefore)
            {
                if (ReferenceEquals(verified, signature) && by.Equals(key))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
