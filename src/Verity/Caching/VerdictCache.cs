using BitFaster.Caching.Lru;
using Verity.Core.Validation;

namespace Verity.Caching;

/// <summary>
/// Remembers validators' outcomes for a short time (<c>features.cache.expirySeconds</c>), so that the Pods of
/// a Deployment, and repeated admissions of one image, cost one validation.
/// </summary>
/// <remarks>
/// <para>
/// Unlike Connaisseur's cache (keyed by the image string alone, across configuration changes), a key also
/// names the configuration generation, the rule and the validator, so a reload or a policy change never
/// serves an old verdict. Only outcomes are cached — trusted digests, and denials when
/// <c>cacheErrors</c> is on — never failures to get the evidence (registry down, timeouts), which are
/// transient.
/// </para>
/// <para>
/// The cache is a bounded LRU (BitFaster's <see cref="ConcurrentLru{K, V}"/>, lock-free reads) of at most
/// <see cref="Capacity"/> entries: when full, the least recently used entry makes room, so a cluster with more
/// distinct images than that keeps caching the ones in use rather than refusing new ones. An entry past its
/// lifetime is never served and is removed when met.
/// </para>
/// </remarks>
internal sealed class VerdictCache
{
    /// <summary>The most entries held.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentLru<VerdictKey, Entry> _entries;
    private readonly TimeProvider _time;

    public VerdictCache(TimeProvider time)
        : this(time, Capacity)
    {
    }

    internal VerdictCache(TimeProvider time, int capacity)
    {
        _time = time;
        _entries = new ConcurrentLru<VerdictKey, Entry>(capacity);
    }

    /// <summary>The number of entries, expired or not.</summary>
    public int Count => _entries.Count;

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

    public void Set(VerdictKey key, ValidationOutcome outcome, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        _entries.AddOrUpdate(key, new Entry(outcome, _time.GetUtcNow() + lifetime));
    }

    private sealed record Entry(ValidationOutcome Outcome, DateTimeOffset Expires);
}
