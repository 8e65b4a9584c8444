using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// RFC 6962 Merkle tree hashing (§2.1) and inclusion proof verification (§2.1.1), with SHA-256.
/// </summary>
/// <remarks>
/// The verification walks the audit path from the leaf to the root: the first
/// <c>bitlength(index XOR (size - 1))</c> hashes are siblings below the point where the leaf's path and the
/// right border of the tree diverge (left or right by the index bits), the rest are left siblings on the
/// border. A proof with a wrong number of hashes, a hash of the wrong length or an index outside the tree
/// is refused before any hashing.
/// </remarks>
internal static class MerkleTree
{
    /// <summary>The length of a node hash.</summary>
    public const int HashSize = 32;

    /// <summary>The hash of a leaf: <c>SHA-256(0x00 || leaf)</c>.</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> leaf)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(leaf);
        return hash.GetHashAndReset();
    }

    /// <summary>The hash of an inner node: <c>SHA-256(0x01 || left || right)</c>.</summary>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x01]);
        hash.AppendData(left);
        hash.AppendData(right);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Whether <paramref name="proof"/> shows that the leaf with hash <paramref name="leafHash"/> is at
    /// <paramref name="index"/> in the tree of <paramref name="size"/> leaves whose root is <paramref name="root"/>.
    /// </summary>
    public static bool VerifyInclusion(
        ulong index,
        ulong size,
        ReadOnlySpan<byte> leafHash,
        IReadOnlyList<ReadOnlyMemory<byte>> proof,
        ReadOnlySpan<byte> root,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (!TryRootFromInclusionProof(index, size, leafHash, proof, out var computed, out error))
        {
            return false;
        }

        if (root.Length != HashSize || !CryptographicOperations.FixedTimeEquals(computed, root))
        {
            error = "the inclusion proof leads to a different root hash";
            return false;
        }

        return true;
    }

    /// <summary>The root hash an inclusion proof leads to.</summary>
    public static bool TryRootFromInclusionProof(
        ulong index,
        ulong size,
        ReadOnlySpan<byte> leafHash,
        IReadOnlyList<ReadOnlyMemory<byte>> proof,
        [NotNullWhen(true)] out byte[]? root,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(proof);
        root = null;
        if (index >= size)
        {
            error = $"the leaf index {index} is outside the tree of size {size}";
            return false;
        }

        if (leafHash.Length != HashSize)
        {
            error = "the leaf hash does not have 32 bytes";
            return false;
        }

        int inner = 64 - BitOperations.LeadingZeroCount(index ^ (size - 1));
        int border = BitOperations.PopCount(index >> inner);
        if (proof.Count != inner + border)
        {
            error = $"the inclusion proof has {proof.Count} hashes; a leaf at {index} of {size} needs {inner + border}";
            return false;
        }

        foreach (var hash in proof)
        {
            if (hash.Length != HashSize)
            {
                error = "an inclusion proof hash does not have 32 bytes";
                return false;
            }
        }

        var node = leafHash.ToArray();
        for (int i = 0; i < inner; i++)
        {
            node = ((index >> i) & 1) == 0
                ? HashChildren(node, proof[i].Span)
                : HashChildren(proof[i].Span, node);
        }

        for (int i = inner; i < proof.Count; i++)
        {
            node = HashChildren(proof[i].Span, node);
        }

        root = node;
        error = null;
        return true;
    }
}
