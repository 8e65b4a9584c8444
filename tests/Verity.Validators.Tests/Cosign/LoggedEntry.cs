namespace Verity.Validators.Tests.Cosign;

/// <summary>An entry logged by <see cref="TestSigstore.Log"/>.</summary>
internal sealed record LoggedEntry(
    byte[] Body,
    byte[] LogId,
    long LogIndex,
    long IntegratedTime,
    byte[] SignedEntryTimestamp,
    int LeafIndex,
    int TreeSize,
    byte[] RootHash,
    byte[][] Proof,
    string Checkpoint);
