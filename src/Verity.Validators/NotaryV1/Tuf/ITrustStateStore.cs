namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// Remembers, per Notary server and collection (<see cref="TrustStateKey"/>), the highest version seen of each role and
/// the last trusted root (<see cref="TrustState"/>), so that a server (or a man in the middle) cannot roll a collection
/// back to older, validly signed metadata (TUF §5.3.5, §5.4.3, §5.5.5) — for example to revive a tag that was re-signed
/// to a patched image — nor replace root other than by a chain of signed rotations from the last trusted one (§5.3).
/// </summary>
/// <remarks>
/// <para>Only metadata that passed verification is recorded. Implementations must be safe for concurrent use, must only
/// ever raise a recorded version, and must merge with <see cref="TrustState.Merge"/> (a root never replaces a newer
/// one).</para>
/// <para>What survives what depends on the implementation: <see cref="InMemoryTrustStateStore"/> lives as long as the
/// process; <c>FileTrustStateStore</c> survives restarts of one replica; a store shared by every replica
/// (a shared cache) also covers a request landing on another replica. An implementation that loses state only weakens
/// protection back to what a fresh process has (the first validly signed data it sees); it must never fail open.</para>
/// </remarks>
internal interface ITrustStateStore
{
    /// <summary>What is remembered of <paramref name="key"/>; <see cref="TrustState.Empty"/> if nothing.</summary>
    ValueTask<TrustState> GetAsync(TrustStateKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Raises the recorded version of each role in <paramref name="versions"/> to at least the given one, and keeps
    /// <paramref name="trustedRoot"/> (the bytes of the verified root whose version is <c>versions["root"]</c>) as the
    /// last trusted root when it is newer than the one kept (<see cref="TrustState.Merge"/>).
    /// </summary>
    ValueTask RecordAsync(TrustStateKey key, IReadOnlyDictionary<string, long> versions, ReadOnlyMemory<byte>? trustedRoot, CancellationToken cancellationToken);
}
