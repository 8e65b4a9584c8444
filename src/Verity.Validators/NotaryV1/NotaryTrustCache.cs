using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// The last fully verified trust data of each collection (<see cref="VerifiedCollection"/>, keyed by
/// <see cref="NotaryCollectionKey"/>), and the refreshes under way, so that concurrent validations of one
/// collection share one refresh.
/// </summary>
/// <remarks>
/// <para>Bounded: at most <see cref="MaxCollections"/> collections and about <see cref="MaxBytes"/> bytes of trust
/// data; the least recently used collection goes first, and a collection larger than the byte budget is not kept.
/// What is kept is only ever used through <see cref="TrustedMetadataSet.Resume"/>, which checks expiry and
/// rollback again each time, so losing an entry costs round trips, never a verdict.</para>
/// <para>One instance per process (the <see cref="NotaryV1ValidatorFactory"/> singleton), shared by every validator
/// and across configuration reloads. Safe for concurrent use.</para>
/// </remarks>
internal sealed class NotaryTrustCache
{
    /// <summary>The default bound on the number of collections kept.</summary>
    public const int DefaultMaxCollections = 1000;

    /// <summary>The default bound on the bytes of trust data kept: 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<NotaryCollectionKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<(NotaryCollectionKey Key, bool Full), Task<NotaryRefresh>> _refreshes = [];
    private long _bytes;

    /// <summary>Creates a cache with the given bounds.</summary>
    public NotaryTrustCache(int maxCollections = DefaultMaxCollections, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCollections);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        MaxCollections = maxCollections;
        MaxBytes = maxBytes;
    }

    /// <summary>The most collections kept.</summary>
    public int MaxCollections { get; }

    /// <summary>The most bytes of trust data kept (<see cref="VerifiedCollection.Size"/>).</summary>
    public long MaxBytes { get; }

    /// <summary>How many collections are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The collection kept under <paramref name="key"/>, or null; marks it as recently used.</summary>
    public VerifiedCollection? TryGet(NotaryCollectionKey key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Collection;
        }
    }

    /// <summary>Keeps <paramref name="collection"/> under <paramref name="key"/>, replacing what was there.</summary>
    public void Set(NotaryCollectionKey key, VerifiedCollection collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var entry = new Entry(key, collection, collection.Size);
        lock (_lock)
        {
            SetLocked(entry);
        }
    }

    /// <summary>
    /// Replaces <paramref name="expected"/> with <paramref name="replacement"/> (the same trust data with more
    /// delegations verified), unless something else was kept under <paramref name="key"/> since.
    /// </summary>
    public void Replace(NotaryCollectionKey key, VerifiedCollection expected, VerifiedCollection replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var entry = new Entry(key, replacement, replacement.Size);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Collection, expected))
            {
                SetLocked(entry);
            }
        }
    }

    /// <summary>Forgets what is kept under <paramref name="key"/>, if it is <paramref name="expected"/> (or anything, when null).</summary>
    public void Remove(NotaryCollectionKey key, VerifiedCollection? expected = null)
    {
        lock (_lock)
        {
            if (expected is null || (_entries.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Collection, expected)))
            {
                RemoveLocked(key);
            }
        }
    }

    /// <summary>
    /// Joins the refresh of <paramref name="key"/> under way (of the same kind: <paramref name="full"/> or not), or
    /// starts one with <paramref name="refresh"/>: concurrent validations of one collection share one download.
    /// </summary>
    /// <remarks>
    /// The refresh runs on the cancellation token of the validation that started it. A validation that joined it and
    /// sees it cancelled while its own token is not should start another (<see cref="NotaryTrustVerifier"/> does).
    /// Once the refresh has finished, the next call starts a new one.
    /// </remarks>
    public Task<NotaryRefresh> JoinRefresh(NotaryCollectionKey key, bool full, Func<Task<NotaryRefresh>> refresh)
    {
        ArgumentNullException.ThrowIfNull(refresh);
        var flightKey = (key, full);
        TaskCompletionSource<NotaryRefresh> flight;
        lock (_lock)
        {
            if (_refreshes.TryGetValue(flightKey, out var running))
            {
                return running;
            }

            flight = new TaskCompletionSource<NotaryRefresh>(TaskCreationOptions.RunContinuationsAsynchronously);
            _refreshes.Add(flightKey, flight.Task);
        }

        _ = RunAsync();
        return flight.Task;

        async Task RunAsync()
        {
            try
            {
                var result = await refresh();
                Leave();
                flight.SetResult(result);
            }
            catch (OperationCanceledException e)
            {
                Leave();
                flight.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                // Every failure goes to the validations waiting for this refresh.
                Leave();
                flight.SetException(e);
            }
        }

        void Leave()
        {
            lock (_lock)
            {
                _refreshes.Remove(flightKey);
            }
        }
    }

    private void SetLocked(Entry entry)
    {
        RemoveLocked(entry.Key);
        if (entry.Size > MaxBytes || MaxCollections == 0)
        {
            return;
        }

        _entries[entry.Key] = _recency.AddFirst(entry);
        _bytes += entry.Size;
        while (_entries.Count > MaxCollections || _bytes > MaxBytes)
        {
            RemoveLocked(_recency.Last!.Value.Key);
        }
    }

    private void RemoveLocked(NotaryCollectionKey key)
    {
        if (_entries.Remove(key, out var node))
        {
            _recency.Remove(node);
            _bytes -= node.Value.Size;
        }
    }

    private sealed record Entry(NotaryCollectionKey Key, VerifiedCollection Collection, long Size);
}
