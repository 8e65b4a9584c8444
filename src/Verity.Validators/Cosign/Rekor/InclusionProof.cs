using System.Collections.Immutable;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// An RFC 6962 inclusion proof of a log entry with the checkpoint that commits to its root
/// (<c>dev.sigstore.rekor.v1.InclusionProof</c>).
/// </summary>
internal sealed record InclusionProof
{
    /// <summary>The leaf index in the tree the proof is for (a shard's own index for sharded Rekor logs).</summary>
    public required long LogIndex { get; init; }

    /// <summary>The size of that tree.</summary>
    public required long TreeSize { get; init; }

    /// <summary>The root hash the proof leads to.</summary>
    public required ReadOnlyMemory<byte> RootHash { get; init; }

    /// <summary>The audit path, bottom up.</summary>
    public required ImmutableArray<ReadOnlyMemory<byte>> Hashes { get; init; }

    /// <summary>The signed checkpoint (a signed note) for <see cref="TreeSize"/> and <see cref="RootHash"/>.</summary>
    public required string Checkpoint { get; init; }
}
