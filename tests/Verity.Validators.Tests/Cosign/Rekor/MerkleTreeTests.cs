using Verity.Validators.Cosign.Rekor;

namespace Verity.Validators.Tests.Cosign.Rekor;

/// <summary>
/// RFC 6962 §2.1 hashing and §2.1.1 audit paths, on the reference tree of certificate transparency's test data
/// (8 leaves: "", 00, 10, 2021, 3031, 40414243, 50…57, 60…6f).
/// </summary>
public sealed class MerkleTreeTests
{
    private static readonly byte[][] Leaves =
    [
        [],
        [0x00],
        [0x10],
        [0x20, 0x21],
        [0x30, 0x31],
        [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [.. Enumerable.Range(0x60, 16).Select(b => (byte)b)],
    ];

    // Computed independently (Python hashlib) from the RFC 6962 MTH definition.
    private static readonly string[] Roots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void ReferenceTree_RootsMatchRfc6962Vectors()
    {
        for (int size = 1; size <= 8; size++)
        {
            Assert.Equal(Roots[size - 1], Convert.ToHexStringLower(ReferenceMerkle.Root(Leaves[..size])));
        }
    }

    [Fact]
    public void VerifyInclusion_Leaf0Of8_KnownAuditPath()
    {
        ReadOnlyMemory<byte>[] proof =
        [
            Convert.FromHexString("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            Convert.FromHexString("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            Convert.FromHexString("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ];

        Assert.True(MerkleTree.VerifyInclusion(0, 8, MerkleTree.HashLeaf(Leaves[0]), proof, Convert.FromHexString(Roots[7]), out var error), error);
    }

    [Fact]
    public void VerifyInclusion_EveryLeafOfEveryTreeUpTo8_Verifies()
    {
        for (int size = 1; size <= 8; size++)
        {
            var root = Convert.FromHexString(Roots[size - 1]);
            for (int index = 0; index < size; index++)
            {
                var proof = ReferenceMerkle.Path(index, Leaves[..size]);
                Assert.True(MerkleTree.VerifyInclusion((ulong)index, (ulong)size, MerkleTree.HashLeaf(Leaves[index]), proof, root, out var error), $"{index}/{size}: {error}");
            }
        }
    }

    [Fact]
    public void VerifyInclusion_AnyFlippedBit_Fails()
    {
        var root = Convert.FromHexString(Roots[6]);
        var proof = ReferenceMerkle.Path(5, Leaves[..7]);
        for (int h = 0; h < proof.Length; h++)
        {
            var tampered = proof.Select(p => p.ToArray()).ToArray();
            tampered[h][h] ^= 0x01;
            Assert.False(MerkleTree.VerifyInclusion(5, 7, MerkleTree.HashLeaf(Leaves[5]), [.. tampered.Select(t => (ReadOnlyMemory<byte>)t)], root, out _));
        }
    }

    [Theory]
    [InlineData(4, 7, "different root")]
    [InlineData(5, 16, "hashes")]
    [InlineData(5, 6, "hashes")]
    [InlineData(7, 7, "outside")]
    public void VerifyInclusion_WrongIndexOrSize_Fails(int index, int size, string expected)
    {
        var proof = ReferenceMerkle.Path(5, Leaves[..7]);

        Assert.False(MerkleTree.VerifyInclusion((ulong)index, (ulong)size, MerkleTree.HashLeaf(Leaves[5]), proof, Convert.FromHexString(Roots[6]), out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyInclusion_ExtraOrMissingHash_Fails()
    {
        var proof = ReferenceMerkle.Path(2, Leaves[..8]);
        var root = Convert.FromHexString(Roots[7]);
        var leaf = MerkleTree.HashLeaf(Leaves[2]);

        Assert.False(MerkleTree.VerifyInclusion(2, 8, leaf, [.. proof, proof[0]], root, out _));
        Assert.False(MerkleTree.VerifyInclusion(2, 8, leaf, proof[..^1], root, out _));
    }

    [Fact]
    public void VerifyInclusion_SingleLeafTree_NeedsNoHashes()
    {
        var leaf = MerkleTree.HashLeaf(Leaves[0]);

        Assert.True(MerkleTree.VerifyInclusion(0, 1, leaf, [], leaf, out _));
        Assert.False(MerkleTree.VerifyInclusion(0, 1, leaf, [leaf], leaf, out _));
    }
}
