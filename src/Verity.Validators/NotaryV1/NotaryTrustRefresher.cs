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
    private readonly ITrustStateStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TufVerificationOptions _options;
    private readonly NotaryTrustCache _cache;

    public NotaryTrustRefresher(ITrustStateStore store, TimeProvider timeProvider, TufVerificationOptions options, NotaryTrustCache cache, ILogger logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _options = options;
        _cache = cache;
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
        var known = await _store.GetVersionsAsync(request.Gun, cancellationToken);
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
            trusted = TrustedMetadataSet.Resume(previous, now, known, _options);
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
                    trusted = TrustedMetadataSet.Resume(previous, now, known, _options);
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
            await RecordAsync(request.Gun, trusted, known, cancellationToken);
            return await FullRefreshAsync(key, request, fetch, cancellationToken);
        }

        return await CompleteRefreshAsync(key, trusted, request, fetch, known, isFull: false, cancellationToken);
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
        var bodies = await Task.WhenAll(roles.Select(role => fetch(role, null, cancellationToken).AsTask()));
        for (var i = 0; i < roles.Length; i++)
        {
            if (bodies[i] is null)
            {
                _cache.Remove(key);
                return new NotaryRefresh(null, NotaryTrustVerifier.NoTrustData(gun, request.Server, roles[i]), IsFull: true);
            }
        }

        var known = await _store.GetVersionsAsync(gun, cancellationToken);
        TrustedMetadataSet? trusted = null;
        try
        {
            trusted = TrustedMetadataSet.LoadPinnedRoot(gun, rootBytes, request.TrustRoots, _timeProvider.GetUtcNow(), known, _options);
            trusted.UpdateTimestamp(bodies[0]!);
            trusted.UpdateSnapshot(bodies[1]!);
            trusted.UpdateTargets(bodies[2]!);
        }
        catch (TufException e)
        {
            // Everything in the set passed verification, even though a later step failed.
            await RecordAsync(gun, trusted, known, cancellationToken);
            _cache.Remove(key);
            return new NotaryRefresh(null, new ValidationOutcome.Denied(e.Message), IsFull: true);
        }

        return await CompleteRefreshAsync(key, trusted, request, fetch, known, isFull: true, cancellationToken);
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
        IReadOnlyDictionary<string, long> known,
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
        await RecordAsync(request.Gun, trusted, known, cancellationToken);
        return new NotaryRefresh(collection, null, isFull);
    }

    /// <summary>The length a verified role lists for a file, as the most to download (TUF §5.5.1, §5.6.1); none when
    /// listed lengths are not compared (they may be stale, see <see cref="TufVerificationOptions.CompareListedLengths"/>).</summary>
    private long? ListedLength(FileMeta listed) => _options.CompareListedLengths ? listed.Length : null;

    /// <summary>Records the versions <paramref name="trusted"/> verified, when any is newer than <paramref name="known"/>.</summary>
    public async ValueTask RecordAsync(
        string gun, TrustedMetadataSet? trusted, IReadOnlyDictionary<string, long> known, CancellationToken cancellationToken)
    {
        if (trusted is null)
        {
            return;
        }

        var versions = trusted.Versions;
        foreach (var (role, version) in versions)
        {
            if (!known.TryGetValue(role, out var seen) || version > seen)
            {
                await _store.RecordVersionsAsync(gun, versions, cancellationToken);
                return;
            }
        }
    }
}
