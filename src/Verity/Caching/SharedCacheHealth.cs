namespace Verity.Caching;

/// <summary>
/// Whether the shared cache (Redis) is in use or degraded: what <c>/ready</c> reports in its body and
/// <c>verity_cache_degraded</c> exports. Degraded never means unready: validation goes on without the cache.
/// </summary>
internal sealed class SharedCacheHealth
{
    private volatile State _state;

    /// <param name="server">The shared cache's <c>host:port</c>; null when none is configured.</param>
    public SharedCacheHealth(string? server)
    {
        Server = server;
        _state = new State(server is not null, "not connected yet");
    }

    /// <summary>The shared cache's <c>host:port</c>; null when none is configured (verdicts are kept in memory only).</summary>
    public string? Server { get; }

    /// <summary>Whether a shared cache is configured.</summary>
    public bool Configured => Server is not null;

    /// <summary>Whether a configured shared cache cannot be used now.</summary>
    public bool Degraded => _state.Degraded;

    /// <summary>Why, when <see cref="Degraded"/>.</summary>
    public string? Reason => _state.Degraded ? _state.Reason : null;

    /// <summary>Marks the cache usable; true if it was degraded.</summary>
    public bool MarkHealthy()
    {
        var previous = _state;
        _state = new State(false, null);
        return previous.Degraded;
    }

    /// <summary>Marks the cache degraded; true if it was usable.</summary>
    public bool MarkDegraded(string reason)
    {
        var previous = _state;
        _state = new State(true, reason);
        return !previous.Degraded;
    }

    /// <summary>One line for <c>/ready</c>'s body, or null when no shared cache is configured.</summary>
    public string? Describe() => Server is null
        ? null
        : Degraded
            ? $"shared cache {Server}: degraded, validating without it ({Reason})"
            : $"shared cache {Server}: ok";

    private sealed record State(bool Degraded, string? Reason);
}
