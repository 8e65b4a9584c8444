using System.Collections.Concurrent;
using Verity.Core.Cluster;

namespace Verity.Admission;

/// <summary>
/// The labels of namespaces, read through the cluster port and kept briefly (<see cref="Lifetime"/>), for
/// namespaced validation and per-namespace detection mode.
/// </summary>
/// <remarks>
/// Failures are never kept: the next request asks again. At most <see cref="Capacity"/> namespaces are kept; when
/// full, expired entries go first, then everything (a cluster with that many namespaces pays one read per namespace
/// per lifetime either way).
/// </remarks>
internal sealed class NamespaceLabels(IClusterAccess cluster, TimeProvider time)
{
    /// <summary>How long labels read are used; a relabelled namespace takes effect within this.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>The most namespaces kept.</summary>
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, string>? Labels, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    /// <summary>The namespace's labels; null when the namespace does not exist.</summary>
    /// <exception cref="ClusterAccessException">They could not be read.</exception>
    public async ValueTask<IReadOnlyDictionary<string, string>?> GetAsync(string @namespace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(@namespace, out var entry) && entry.Expires > now)
        {
            return entry.Labels;
        }

        var labels = await cluster.GetNamespaceLabelsAsync(@namespace, cancellationToken);
        if (_entries.Count >= Capacity)
        {
            foreach (var (name, old) in _entries)
            {
                if (old.Expires <= now)
                {
                    _entries.TryRemove(name, out _);
                }
            }

            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }
        }

        _entries[@namespace] = (labels, now + Lifetime);
        return labels;
    }
}
