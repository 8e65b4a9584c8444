using System.Collections.Concurrent;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>An <see cref="ITrustStateStore"/> in process memory: rollback protection for the life of the process.</summary>
/// <remarks>
/// Grows with the number of distinct collections validated (a few hundred bytes each, plus the last trusted root, a few
/// KiB). A restarted process starts empty and accepts whatever validly signed version, and root, it sees first.
/// </remarks>
internal sealed class InMemoryTrustStateStore : ITrustStateStore
{
    private readonly ConcurrentDictionary<TrustStateKey, TrustState> _states = new();

    /// <inheritdoc/>
    public ValueTask<TrustState> GetAsync(TrustStateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key.Gun);
        return ValueTask.FromResult(_states.GetValueOrDefault(key) ?? TrustState.Empty);
    }

    /// <inheritdoc/>
    public ValueTask RecordAsync(TrustStateKey key, IReadOnlyDictionary<string, long> versions, ReadOnlyMemory<byte>? trustedRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key.Gun);
        ArgumentNullException.ThrowIfNull(versions);
        _states.AddOrUpdate(
            key,
            static (_, add) => TrustState.Empty.Merge(add.Versions, add.Root),
            static (_, current, add) => current.Merge(add.Versions, add.Root),
            (Versions: versions, Root: trustedRoot));
        return ValueTask.CompletedTask;
    }
}
