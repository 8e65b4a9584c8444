using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>An <see cref="ITrustStateStore"/> in process memory: rollback protection for the life of the process.</summary>
/// <remarks>
/// Grows with the number of distinct collections validated (a few hundred bytes each). A restarted process
/// starts empty and accepts whatever validly signed version it sees first.
/// </remarks>
internal sealed class InMemoryTrustStateStore : ITrustStateStore
{
    private readonly ConcurrentDictionary<string, ImmutableDictionary<string, long>> _versions = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<ImmutableDictionary<string, long>> GetVersionsAsync(string gun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gun);
        return ValueTask.FromResult(_versions.GetValueOrDefault(gun) ?? ImmutableDictionary<string, long>.Empty);
    }

    /// <inheritdoc/>
    public ValueTask RecordVersionsAsync(string gun, IReadOnlyDictionary<string, long> versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gun);
        ArgumentNullException.ThrowIfNull(versions);
        _versions.AddOrUpdate(
            gun,
            static (_, add) => add.ToImmutableDictionary(StringComparer.Ordinal),
            static (_, current, add) =>
            {
                var merged = current.ToBuilder();
                foreach (var (role, version) in add)
                {
                    if (!merged.TryGetValue(role, out var known) || version > known)
                    {
                        merged[role] = version;
                    }
                }

                return merged.ToImmutable();
            },
            versions);
        return ValueTask.CompletedTask;
    }
}
