using BitFaster.Caching.Lru;
using Verity.Core.Validation;

namespace Verity.Caching;

/// <summary>
/// Remembers validators' outcomes for a short time (<c>features.cache.expirySeconds</c>), so that the Pods of
/// a Deployment, and repeated admissions of one image, cost one validation — in this process, and with a shared cache
/// (<see cref="ISharedVerdictStore"/>, Redis) across every replica.
/// </summary>
/// <remarks>
/// <para>
/// Unlike Connaisseur's cache (keyed by the image string alone, across configuration changes), a key also
/// names the configuration, the rule and the validator, so a reload or a policy change never
/// serves an old verdict: in memory by the snapshot's generation, in the shared cache by the hash of the configuration's
/// text. Only outcomes are cached — trusted digests, and denials when
/// <c>cacheErrors</c> is on — never failures to get the evidence (registry down, timeouts), which are
/// transient.
/// </para>
/// <para>
/// In memory, the cache is a bounded LRU (BitFaster's <see cref="ConcurrentLru{K, V}"/>, lock-free reads) of at most
/// <see cref="Capacity"/> entries: when full, the least recently used entry makes room, so a cluster with more
/// distinct images than that keeps caching the ones in use rather than refusing new ones. An entry past its
/// lifetime is never served and is removed when met. A verdict found in the shared cache is kept in memory for the rest
/// of its lifetime (never longer than this configuration's lifetime).
/// </para>
/// <para>The shared cache only ever adds hits: when it is down, slow or holds something unreadable, the lookup is a miss
/// and validation goes on, so it never changes a verdict.</para>
/// </remarks>
internal sealed class VerdictCache
{
    /// <summary>The most entries held in memory.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentLru<VerdictKey, Entry> _entries;
    private readonly TimeProvider _time;
    private readonly ISharedVerdictStore? _shared;

    public VerdictCache(TimeProvider time, ISharedVerdictStore? shared = null)
        : this(time, Capacity, shared)
    {
    }

    internal VerdictCache(TimeProvider time, int capacity, ISharedVerdictStore? shared = null)
    {
        _time = time;
        _shared = shared;
        _entries = new ConcurrentLru<VerdictKey, Entry>(capacity);
    }

    /// <summary>The number of entries in memory, expired or not.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether verdicts are also shared with other replicas.</summary>
    public bool IsShared => _shared is not null;

    /// <summary>The in-memory entry of <paramref name="key"/>, if it is still valid.</summary>
    public bool TryGet(VerdictKey key, out ValidationOutcome outcome)
    {
        if (_entries.TryGet(key, out var entry))
        {
            if (entry.Expires > _time.GetUtcNow())
            {
                outcome = entry.Outcome;
                return true;
            }

            _entries.TryRemove(key);
        }

        outcome = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="outcome"/> in memory for <paramref name="lifetime"/>.</summary>
    public void Set(VerdictKey key, ValidationOutcome outcome, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        _entries.AddOrUpdate(key, new Entry(outcome, _time.GetUtcNow() + lifetime));
    }

    /// <summary>The cached outcome of <paramref name="key"/>: from memory, else from the shared cache; null on a miss.</summary>
    /// <param name="key">The verdict's key.</param>
    /// <param name="lifetime">This configuration's lifetime of a verdict: a shared entry is kept in memory no longer.</param>
    /// <param name="cancellationToken">The request's deadline.</param>
    public async ValueTask<ValidationOutcome?> GetAsync(VerdictKey key, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var outcome))
        {
            return outcome;
        }

        if (_shared is null || await _shared.GetAsync(key, cancellationToken) is not { } found)
        {
            return null;
        }

        Set(key, found.Outcome, found.Remaining < lifetime ? found.Remaining : lifetime);
        return found.Outcome;
    }

    /// <summary>Keeps <paramref name="outcome"/> in memory and in the shared cache for <paramref name="lifetime"/>.</summary>
    public async ValueTask SetAsync(VerdictKey key, ValidationOutcome outcome, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        Set(key, outcome, lifetime);
        if (_shared is not null && lifetime > TimeSpan.Zero)
        {
            await _shared.SetAsync(key, outcome, lifetime, cancellationToken);
        }
    }

    private sealed record Entry(ValidationOutcome Outcome, DateTimeOffset Expires);
}
