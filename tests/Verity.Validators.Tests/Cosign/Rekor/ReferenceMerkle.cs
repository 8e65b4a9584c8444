using Verity.Validators.Cosign.Rekor;

namespace Verity.Validators.Tests.Cosign.Rekor;

/// <summary>The recursive definitions of RFC 6962 §2.1 (MTH) and §2.1.1 (PATH), as an independent reference.</summary>
internal static class ReferenceMerkle
{
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
        {
            return MerkleTree.HashLeaf(leaves[0]);
        }

        int k = Split(leaves.Count);
        return MerkleTree.HashChildren(Root(leaves.Take(k).ToList()), Root(leaves.Skip(k).ToList()));
    }

    public static ReadOnlyMemory<byte>[] Path(int index, IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
        {
            return [];
        }

        int k = Split(leaves.Count);
        return index < k
            ? [.. Path(index, leaves.Take(k).ToList()), Root(leaves.Skip(k).ToList())]
            : [.. Path(index - k, leaves.Skip(k).ToList()), Root(leaves.Take(k).ToList())];
    }

    private static int Split(int n)
    {
        int k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}
