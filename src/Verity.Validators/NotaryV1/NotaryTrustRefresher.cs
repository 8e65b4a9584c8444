using Microsoft.Extensions.Logging;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// Brings the top-level roles of a collection up to date, once for all concurrent validations of it (step 1 of
/// <see cref="NotaryTrustVerifier"/>): a full refresh the first time, else from the trust data verified before, and
/// records the versions that passed verification for rollback protection.
/// </summary>
internal sealed class NotaryTrustRefresher
{
    /// <summary>The most root versions one refresh walks through (python-tuf's <c>max_root_rotations</c> is 256; a Notary
    /// collection rotates its root rarely).</summary>
    public const int MaxRootRotations = 64;

    private readonly ITrustStateStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TufVerificationOptions _options;
    private readonly NotaryTrustCache _cache;
    private readonly TufKeyCache _keyCache;

    public NotaryTrustRefresher(
        ITrustStateStore store, TimeProvider timeProvider, TufVerificationOptions options, NotaryTrustCache cache, TufKeyCache keyCache, ILogger logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _options = options;
        _cache = cache;
        _keyCache = keyCache;
        _logger = logger;
    }

    /// <summary>Joins (or starts) the refresh of the collection; starts another if the one joined was cancelled by its starter.</summary>
    public async Task<NotaryRefresh> RefreshAsync(
        NotaryCollectionKey key, bool full, NotaryTrustRequest request, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        while (true)
        {
            var started = false;
            var refresh = _cache.JoinRefresh(key, full, () =>
            {
                started = true;
                return full ? FullRefreshAsync(key, request, fetch, cancellationToken) : RefreshFromCacheAsync(key, request, fetch, cancellationToken);
            });
            try
            {
                return await refresh.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!started && !cancellationToken.IsCancellationRequested)
            {
                // The validation that started the refresh ran out of time; this one has not: start another.
            }
        }
    }

    /// <summary>The refresh from what was verified before, falling back to a full refresh on anything unexpected.</summary>
    private async Task<NotaryRefresh> RefreshFromCacheAsync(
        NotaryCollectionKey key, NotaryTrustRequest request, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(key) is not { } previous)
        {
            return await FullRefreshAsync(key, request, fetch, cancellationToken);
        }

        TrustedMetadataSet? trusted = null;
        var state = await _store.GetAsync(request.StateKey, cancellationToken);
        var known = state.Versions;
        try
        {
            if (await fetch(TufRoles.Timestamp, null, cancellationToken) is not { } timestampBytes)
            {
                return await FullRefreshAsync(key, request, fetch, cancellationToken);
            }

            if (timestampBytes.AsSpan().SequenceEqual(previous.TimestampBytes.Span))
            {
                // Nothing changed. Expiry and rollback are checked for this validation when it resumes from it.
                return new NotaryRefresh(previous, null, IsFull: false);
            }

            var now = _timeProvider.GetUtcNow();
            trusted = TrustedMetadataSet.Resume(previous, now, known, _options, _keyCache);
            trusted.UpdateTimestamp(timestampBytes);
            if (!trusted.TryReuseSnapshot())
            {
                var listedSnapshot = trusted.Timestamp!.Snapshot;
                if (await fetch(TufRoles.Snapshot, ListedLength(listedSnapshot), cancellationToken) is not { } snapshotBytes)
                {
                    return await FullRefreshAsync(key, request, fetch, cancellationToken);
                }

                // TUF §5.5.1-2: the bytes are checked against the verified timestamp before anything parses them.
                listedSnapshot.Verify(snapshotBytes, TufRoles.Snapshot, TufRoles.Timestamp, _options.CompareListedLengths);

                // Notary lists root in the snapshot: other hashes there mean the root was rotated (TUF §5.3), so
                // root is updated first and the timestamp verified again under it.
                var listedRoot = MetadataReader.ReadSnapshot(snapshotBytes).Meta[TufRoles.Root];
                if (!listedRoot.DescribesSameFileAs(previous.Snapshot.Meta[TufRoles.Root]))
                {
                    if (await fetch(TufRoles.Root, ListedLength(listedRoot), cancellationToken) is not { } rootBytes)
                    {
                        return await FullRefreshAsync(key, request, fetch, cancellationToken);
                    }

                    // The snapshot's hash vouches for these bytes (the snapshot itself is verified once root is).
                    listedRoot.Verify(rootBytes, TufRoles.Root, TufRoles.Snapshot, _options.CompareListedLengths);
                    trusted = TrustedMetadataSet.Resume(previous, now, known, _options, _keyCache);
                    trusted.UpdateRoot(rootBytes, request.TrustRoots);
                    trusted.UpdateTimestamp(timestampBytes);
                }

                trusted.UpdateSnapshot(snapshotBytes);
            }

            if (!trusted.TryReuseTargets(TufRoles.Targets))
            {
                if (await fetch(TufRoles.Targets, ListedLength(trusted.Snapshot!.Meta[TufRoles.Targets]), cancellationToken) is not { } targetsBytes)
                {
                    return await FullRefreshAsync(key, request, fetch, cancellationToken);
                }

                trusted.UpdateTargets(targetsBytes);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Verification failed, or a role could not be fetched: start again from scratch, as without the cache.
            _logger.KeptDataRefused(request.Gun, e.Message);
            await RecordAsync(request.StateKey, trusted, state, cancellationToken);
            return await FullRefreshAsync(key, request, fetch, cancellationToken);
        }

        return await CompleteRefreshAsync(key, trusted, request, fetch, state, isFull: false, cancellationToken);
    }

    /// <summary>The refresh from scratch: every top-level role fetched and verified, nothing reused.</summary>
    private async Task<NotaryRefresh> FullRefreshAsync(
        NotaryCollectionKey key, NotaryTrustRequest request, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        var gun = request.Gun;

        // Root alone first: it answers the server's authentication challenge once for the requests that follow, and
        // a repository that was never signed costs one request.
        if (await fetch(TufRoles.Root, null, cancellationToken) is not { } rootBytes)
        {
            _cache.Remove(key);
            return new NotaryRefresh(null, NotaryTrustVerifier.NoTrustData(gun, request.Server, TufRoles.Root), IsFull: true);
        }

        string[] roles = [TufRoles.Timestamp, TufRoles.Snapshot, TufRoles.Targets];
        var downloads = Task.WhenAll(roles.Select(role => fetch(role, null, cancellationToken).AsTask()));

        // The root is verified while the other three travel; what is decided stays as before: a missing role first,
        // then the root's verdict.
        var state = await _store.GetAsync(request.StateKey, cancellationToken);
        TrustedMetadataSet? trusted = null;
        TufException? rootFailure = null;
        try
        {
            trusted = await LoadRootAsync(request, rootBytes, state, fetch, cancellationToken);

            // Still while they travel: the keys the trusted root assigns them are read now instead of after they arrive
            // (this only reads keys; they are used in TUF's order below). Once they are here, verifying them (and asking
            // for the delegations) goes first, and the keys not read yet are read when used.
            foreach (var role in roles)
            {
                if (downloads.IsCompleted)
                {
                    break;
                }

                trusted.Root.RoleFor(role).ImportKeys();
            }
        }
        catch (TufException e)
        {
            rootFailure = e;
        }

        var bodies = await downloads;
        for (var i = 0; i < roles.Length; i++)
        {
            if (bodies[i] is null)
            {
                _cache.Remove(key);
                return new NotaryRefresh(null, NotaryTrustVerifier.NoTrustData(gun, request.Server, roles[i]), IsFull: true);
            }
        }

        // The delegations to search travel while timestamp, snapshot and targets are verified (verified themselves later,
        // in TUF's order); only once the root is trusted.
        var early = new NotaryDelegationPrefetch(fetch, request.Delegations, _keyCache);
        if (rootFailure is null)
        {
            early.Start(bodies[2]!, bodies[1]!, cancellationToken);
        }

        try
        {
            if (rootFailure is not null)
            {
                throw rootFailure;
            }

            trusted!.UpdateTimestamp(bodies[0]!);
            trusted.UpdateSnapshot(bodies[1]!);
            trusted.UpdateTargets(bodies[2]!);
        }
        catch (TufException e)
        {
            // Everything in the set passed verification, even though a later step failed.
            await RecordAsync(request.StateKey, trusted, state, cancellationToken);
            _cache.Remove(key);
            return new NotaryRefresh(null, new ValidationOutcome.Denied(e.Message), IsFull: true);
        }

        return await CompleteRefreshAsync(key, trusted!, request, early.FetchAsync, state, isFull: true, cancellationToken);
    }

    /// <summary>
    /// Trusts the root the server serves now (<paramref name="rootBytes"/>): when a root of this server and collection was
    /// trusted before, by walking from it one version at a time (TUF §5.3: <c>N.root.json</c> for every version in between,
    /// each signed by a threshold of the previous root's keys and of its own, versions consecutive; Notary serves them),
    /// never jumping; the root reached must be signed by every pinned key. Without a trusted root, the root is trusted
    /// when the pinned keys and its own threshold sign it (<see cref="TrustedMetadataSet.LoadPinnedRoot"/>).
    /// </summary>
    /// <exception cref="TufException">The root cannot be reached from the trusted one, or is not acceptable.</exception>
    private async ValueTask<TrustedMetadataSet> LoadRootAsync(
        NotaryTrustRequest request, byte[] rootBytes, TrustState state, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        var gun = request.Gun;
        var now = _timeProvider.GetUtcNow();
        if (state.TrustedRoot is not { } trustedRoot)
        {
            return TrustedMetadataSet.LoadPinnedRoot(gun, rootBytes, request.TrustRoots, now, state.Versions, _options, _keyCache);
        }

        var trusted = TrustedMetadataSet.LoadTrustedRoot(gun, trustedRoot, now, state.Versions, _options, _keyCache);
        var from = trusted.Root.Version;
        var served = MetadataReader.ReadRoot(rootBytes);
        var to = served.Version;
        if (to <= from)
        {
            // Signatures may differ (a root signed again, or by one more key); what is signed may not.
            if (to == from && !served.SignedBytes.Span.SequenceEqual(trusted.Root.SignedBytes.Span))
            {
                throw new BadVersionNumberException(
                    $"root of \"{gun}\" has version {to}, the version of the root trusted before, but other content");
            }

            // The same root (a lower version is refused as a rollback there).
            return TrustedMetadataSet.LoadPinnedRoot(gun, rootBytes, request.TrustRoots, now, state.Versions, _options, _keyCache);
        }

        if (to - from > MaxRootRotations)
        {
            throw new TufException(
                $"root of \"{gun}\" has version {to}, more than {MaxRootRotations} rotations after the root version {from} trusted before");
        }

        for (var version = from + 1; version < to; version++)
        {
            var role = TufRoles.VersionedRoot(version);
            var intermediate = await fetch(role, null, cancellationToken)
                ?? throw new TufException(
                    $"root of \"{gun}\" went from version {from} to {to}, but the server has no {role}.json: a root is only trusted through every rotation (TUF §5.3)");
            trusted.UpdateRoot(intermediate);
        }

        trusted.UpdateRoot(rootBytes, request.TrustRoots);
        return trusted;
    }

    /// <summary>
    /// Loads the delegations <paramref name="request"/>'s rule searches (best effort: validations joining this refresh
    /// most likely search the same ones; what fails here is left for the validation to fetch and report), keeps the
    /// collection, and records the versions.
    /// </summary>
    private async Task<NotaryRefresh> CompleteRefreshAsync(
        NotaryCollectionKey key,
        TrustedMetadataSet trusted,
        NotaryTrustRequest request,
        NotaryRoleFetcher fetch,
        TrustState state,
        bool isFull,
        CancellationToken cancellationToken)
    {
        try
        {
            if (TargetResolver.TryPlan(trusted.Targets!, request.Delegations, request.Gun, out var plan, out _)
                && plan.Roles is not [TufRoles.Targets])
            {
                await DelegationLoader.LoadAsync(trusted, plan.Roles, fetch, cancellationToken);
            }
        }
        catch (TufException)
        {
            // Left for the validation itself, which fetches the delegation again and reports what it finds. A failed
            // download is not retried: it fails this refresh, closed, as it would fail the validation.
        }

        var collection = trusted.Freeze();
        _cache.Set(key, collection);
        await RecordAsync(request.StateKey, trusted, state, cancellationToken);
        return new NotaryRefresh(collection, null, isFull);
    }

    /// <summary>The length a verified role lists for a file, as the most to download (TUF §5.5.1, §5.6.1); none when
    /// listed lengths are not compared (they may be stale, see <see cref="TufVerificationOptions.CompareListedLengths"/>).</summary>
    private long? ListedLength(FileMeta listed) => _options.CompareListedLengths ? listed.Length : null;

    /// <summary>Records the versions and the root <paramref name="trusted"/> verified, when that changes <paramref name="state"/>.</summary>
    public async ValueTask RecordAsync(
        TrustStateKey stateKey, TrustedMetadataSet? trusted, TrustState state, CancellationToken cancellationToken)
    {
        if (trusted is null)
        {
            return;
        }

        var versions = trusted.Versions;
        if (state.WouldChange(versions, trusted.RootBytes))
        {
            await _store.RecordAsync(stateKey, versions, trusted.RootBytes, cancellationToken);
        }
    }
}
