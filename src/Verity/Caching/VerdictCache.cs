using System.Collections.Concurrent;
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
/// transient. The cache holds at most <see cref="Capacity"/> entries; when full, expired entries are
/// dropped and, if that is not enough, new verdicts are simply not cached.
/// </para>
/// </remarks>
internal sealed class VerdictCache
{
    /// <summary>The most entries held.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<VerdictKey, Entry> _entries = new();
    private readonly TimeProvider _time;

    public VerdictCache(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The number of entries, expired or not.</summary>
    public int Count => _entries.Count;

    public bool TryGet(VerdictKey key, out ValidationOutcome outcome)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Expires > _time.GetUtcNow())
            {
                outcome = entry.Outcome;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<VerdictKey, Entry>(key, entry));
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

        if (_entries.Count >= Capacity && !_entries.ContainsKey(key))
        {
            var now = _time.GetUtcNow();
            foreach (var (expiredKey, entry) in _entries)
            {
                if (entry.Expires <= now)
                {
                    _entries.TryRemove(new KeyValuePair<VerdictKey, Entry>(expiredKey, entry));
                }
            }

            if (_entries.Count >= Capacity)
            {
                return;
            }
        }

        _entries[key] = new Entry(outcome, _time.GetUtcNow() + lifetime);
    }

    private sealed record Entry(ValidationOutcome Outcome, DateTimeOffset Expires);
}
