using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Collections.Immutable;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// Verifies a Notary v1 collection and resolves an image reference to the digest its signers vouch for:
/// the whole of a <c>notaryv1</c> validation except HTTP. The caller supplies the bytes of each role
/// through a <see cref="NotaryRoleFetcher"/>.
/// </summary>
/// <remarks>
/// <para>Steps (TUF §5; Connaisseur <c>notaryv1_validator.go</c> and <c>notaryserver/repo.go</c>):</para>
/// <list type="number">
/// <item>Refresh the top-level roles, once for all concurrent validations of the collection
/// (<see cref="NotaryTrustCache.JoinRefresh"/>):
/// <list type="bullet">
/// <item>Nothing verified before (a <em>full</em> refresh): fetch <c>root</c> alone (it meets the server's
/// authentication challenge, and an unsigned repository costs one request), then <c>timestamp</c>, <c>snapshot</c>
/// and <c>targets</c> concurrently, and verify them in order with a <see cref="TrustedMetadataSet"/>: root against
/// the pinned keys and its own threshold, then each role against root's keys and thresholds, hashes, expiry and the
/// highest versions seen before (<see cref="ITrustStateStore"/>). A role the server does not have means the
/// collection is not signed: denied.</item>
/// <item>Verified before (the last <see cref="VerifiedCollection"/> of this server, collection and set of pinned
/// keys, from the <see cref="NotaryTrustCache"/>): fetch <c>timestamp</c> only. The same bytes as before: nothing
/// changed. Otherwise verify it against the trusted root (TUF §5.4) and fetch only what it, and then the snapshot,
/// list with other hashes than before (TUF §5.5, §5.6); a root the new snapshot lists with other hashes is fetched
/// and rotated to (<see cref="TrustedMetadataSet.UpdateRoot"/>: a threshold of the old root's keys and of its own,
/// version + 1, and still signed by every pinned key). Any failure — a fetch, a missing file, a check — makes it a
/// full refresh.</item>
/// </list>
/// The delegations the first validation's rule searches are loaded too (reused or fetched), best effort.</item>
/// <item>Resume from the refreshed collection for this validation (<see cref="TrustedMetadataSet.Resume"/>): expiry
/// against the current time and rollback against the versions seen are checked again for every role used.</item>
/// <item>Decide which roles to search (<see cref="TargetResolver.TryPlan"/>), reuse or fetch those delegations and
/// the delegations above them (one level at a time, each level concurrently), and verify each fetched one.</item>
/// <item>Look the tag or digest up in every searched role (<see cref="TargetResolver.Resolve"/>).</item>
/// <item>Record the versions of every role that passed verification.</item>
/// </list>
/// <para>When reused trust data fails a check in steps 2–3 (a role expired, a version went back, a delegation
/// fetched for the first time does not verify against what is kept), the collection is refreshed in full and the
/// validation decided on that: what is kept never admits an image that a verification from scratch would deny. A
/// delegation that cannot be downloaded fails the validation (closed) as before.</para>
/// <para>Every "no" of the evidence is a <see cref="ValidationOutcome.Denied"/> with a sentence for the user.
/// Exceptions from the fetcher (the evidence could not be obtained) propagate.</para>
/// </remarks>
internal sealed class NotaryTrustVerifier
{
    private readonly ITrustStateStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TufVerificationOptions _options;
    private readonly NotaryTrustCache _cache;

    /// <summary>Creates the verifier.</summary>
    /// <param name="store">Remembers versions per collection for rollback protection.</param>
    /// <param name="timeProvider">The clock for expiry checks.</param>
    /// <param name="options">Strictness choices; null for the defaults.</param>
    /// <param name="cache">Verified trust data kept between validations, shared by the verifiers of one process;
    /// null for one of this verifier's own.</param>
    /// <param name="logger">Where the fall-back from kept trust data to a full refresh is logged, with its reason.</param>
    public NotaryTrustVerifier(
        ITrustStateStore store, TimeProvider timeProvider, TufVerificationOptions? options = null, NotaryTrustCache? cache = null, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? TufVerificationOptions.Default;
        _cache = cache ?? new NotaryTrustCache();
    }

    /// <summary>Verifies the collection and resolves the reference.</summary>
    /// <param name="request">The collection, pinned keys, reference and required delegations.</param>
    /// <param name="fetch">Fetches one role's bytes as served; called for the top-level roles that changed (all four
    /// the first time) and for the delegations that are searched (and their parents) and not verified before, never
    /// for others.</param>
    /// <param name="cancellationToken">The request deadline.</param>
    /// <returns><see cref="ValidationOutcome.Trusted"/> with the signed digest, or
    /// <see cref="ValidationOutcome.Denied"/> with the reason.</returns>
    /// <exception cref="ArgumentException">The request has neither tag nor digest, or no trust roots.</exception>
    /// <exception cref="OperationCanceledException">The deadline passed.</exception>
    public async ValueTask<ValidationOutcome> VerifyAsync(
        NotaryTrustRequest request, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(fetch);
        if (request.Tag is null && request.Digest is null)
        {
            throw new ArgumentException("the reference needs a tag or a digest", nameof(request));
        }

        if (request.TrustRoots.IsDefaultOrEmpty)
        {
            throw new ArgumentException("at least one trust root is required", nameof(request));
        }

        var key = NotaryCollectionKey.For(request, _options);
        var full = false;
        while (true)
        {
            var refresh = await RefreshAsync(key, full, request, fetch, cancellationToken);
            if (refresh.Denial is { } denial)
            {
                return denial;
            }

            var collection = refresh.Collection!;
            try
            {
                return await ResolveAsync(key, collection, request, fetch, cancellationToken);
            }
            catch (TufException e)
            {
                _cache.Remove(key, collection);
                if (refresh.IsFull)
                {
                    return new ValidationOutcome.Denied(e.Message);
                }

                // Something kept no longer holds (a role expired, a version went back), or a delegation fetched for
                // the first time does not verify against it: decide on trust data verified from scratch.
                full = true;
            }
        }
    }

    /// <summary>The denial for a collection whose top-level <paramref name="role"/> the server does not have.</summary>
    /// <param name="gun">The collection.</param>
    /// <param name="server">The server, e.g. <c>Notary server notary.docker.io</c>, or null.</param>
    /// <param name="role">The missing role, e.g. <c>root</c>.</param>
    internal static ValidationOutcome.Denied NoTrustData(string gun, string? server, string role)
    {
        return new ValidationOutcome.Denied(
            $"no trust data for GUN \"{gun}\"{(server is null ? string.Empty : " on " + server)}: there is no {role}.json (the repository is not signed)");
    }

    /// <summary>Joins (or starts) the refresh of the collection; starts another if the one joined was cancelled by its starter.</summary>
    private async Task<NotaryRefresh> RefreshAsync(
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
                if (await fetch(TufRoles.Snapshot, null, cancellationToken) is not { } snapshotBytes)
                {
                    return await FullRefreshAsync(key, request, fetch, cancellationToken);
                }

                // Notary lists root in the snapshot: other hashes there mean the root was rotated (TUF §5.3), so
                // root is updated first and the timestamp verified again under it.
                var listedRoot = MetadataReader.ReadSnapshot(snapshotBytes).Meta[TufRoles.Root];
                if (!listedRoot.DescribesSameFileAs(previous.Snapshot.Meta[TufRoles.Root]))
                {
                    if (await fetch(TufRoles.Root, null, cancellationToken) is not { } rootBytes)
                    {
                        return await FullRefreshAsync(key, request, fetch, cancellationToken);
                    }

                    trusted = TrustedMetadataSet.Resume(previous, now, known, _options);
                    trusted.UpdateRoot(rootBytes, request.TrustRoots);
                    trusted.UpdateTimestamp(timestampBytes);
                }

                trusted.UpdateSnapshot(snapshotBytes);
            }

            if (!trusted.TryReuseTargets(TufRoles.Targets))
            {
                if (await fetch(TufRoles.Targets, null, cancellationToken) is not { } targetsBytes)
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
            return new NotaryRefresh(null, NoTrustData(gun, request.Server, TufRoles.Root), IsFull: true);
        }

        string[] roles = [TufRoles.Timestamp, TufRoles.Snapshot, TufRoles.Targets];
        var bodies = await Task.WhenAll(roles.Select(role => fetch(role, null, cancellationToken).AsTask()));
        for (var i = 0; i < roles.Length; i++)
        {
            if (bodies[i] is null)
            {
                _cache.Remove(key);
                return new NotaryRefresh(null, NoTrustData(gun, request.Server, roles[i]), IsFull: true);
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
                await LoadDelegationsAsync(trusted, plan.Roles, fetch, cancellationToken);
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

    /// <summary>Resolves the reference against <paramref name="collection"/>, checked again for this validation.</summary>
    /// <exception cref="TufException">A role kept or fetched is not acceptable now.</exception>
    private async ValueTask<ValidationOutcome> ResolveAsync(
        NotaryCollectionKey key, VerifiedCollection collection, NotaryTrustRequest request, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        var gun = request.Gun;
        var known = await _store.GetVersionsAsync(gun, cancellationToken);
        var trusted = TrustedMetadataSet.Resume(collection, _timeProvider.GetUtcNow(), known, _options);
        trusted.UpdateTimestamp(collection.TimestampBytes);
        if (!trusted.TryReuseSnapshot() || !trusted.TryReuseTargets(TufRoles.Targets))
        {
            throw new InvalidOperationException("a verified collection must reuse its own snapshot and targets");
        }

        if (!TargetResolver.TryPlan(trusted.Targets!, request.Delegations, gun, out var plan, out var reason))
        {
            return new ValidationOutcome.Denied(reason);
        }

        var roles = plan.Roles;
        if (roles is not [TufRoles.Targets])
        {
            var (unavailable, fetched) = await LoadDelegationsAsync(trusted, roles, fetch, cancellationToken);
            if (fetched)
            {
                _cache.Replace(key, collection, trusted.Freeze());
                await RecordAsync(gun, trusted, known, cancellationToken);
            }

            if (unavailable is not null)
            {
                var listed = trusted.Snapshot!.Meta.ContainsKey(unavailable);
                if (plan.IsDefault && !listed)
                {
                    // Connaisseur's edge case: targets/releases is declared but was never published
                    // (signers added, nothing signed yet), so the top-level targets role is what signs.
                    roles = [TufRoles.Targets];
                }
                else
                {
                    return new ValidationOutcome.Denied(listed
                        ? $"the snapshot of \"{gun}\" lists {unavailable}, but the server has no trust data for it"
                        : $"{unavailable} of \"{gun}\" has no trust data: it was never signed");
                }
            }
        }

        return TargetResolver.Resolve(trusted, roles, request.Tag, request.Digest) switch
        {
            TargetResolution.Found found => new ValidationOutcome.Trusted(
                found.Digest, $"signed in {string.Join(", ", found.Roles)} of \"{gun}\""),
            TargetResolution.NotFound notFound => new ValidationOutcome.Denied(notFound.Reason),
            _ => throw new InvalidOperationException("unknown resolution"),
        };
    }

    /// <summary>
    /// Loads <paramref name="roles"/> and the delegations above them, shallowest first, reusing what was verified
    /// before and fetching the rest; returns the first role that is not published — the snapshot does not list it,
    /// or the server does not have it — (or null when all were loaded), and whether anything was fetched.
    /// </summary>
    private static async ValueTask<(string? Unavailable, bool Fetched)> LoadDelegationsAsync(
        TrustedMetadataSet trusted, ImmutableArray<string> roles, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            for (var r = role; r != TufRoles.Targets; r = TufRoles.Parent(r))
            {
                needed.Add(r);
            }
        }

        var fetched = false;
        foreach (var level in needed.GroupBy(TufRoles.Depth).OrderBy(g => g.Key))
        {
            var batch = new List<string>();
            foreach (var role in level)
            {
                // Never fetch a role that its (verified) parent does not delegate to.
                var parent = TufRoles.Parent(role);
                if (trusted.GetTargets(role) is not null)
                {
                    continue;
                }

                if (trusted.GetTargets(parent)?.Delegations.Find(role) is null)
                {
                    throw new TufException($"{parent} does not delegate to {role}");
                }

                if (!trusted.Snapshot!.Meta.ContainsKey(role))
                {
                    // Not published (Notary's client skips such a role too): whatever the server might serve for it,
                    // the snapshot does not vouch for it, so it is not fetched.
                    return (role, fetched);
                }

                if (!trusted.TryReuseTargets(role))
                {
                    batch.Add(role);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            fetched = true;
            var bodies = await Task.WhenAll(batch.Select(role =>
                fetch(role, trusted.Snapshot!.Meta.GetValueOrDefault(role)?.Length, cancellationToken).AsTask()));
            for (var i = 0; i < batch.Count; i++)
            {
                if (bodies[i] is not { } body)
                {
                    return (batch[i], fetched);
                }

                trusted.UpdateDelegatedTargets(body, batch[i]);
            }
        }

        return (null, fetched);
    }

    /// <summary>Records the versions <paramref name="trusted"/> verified, when any is newer than <paramref name="known"/>.</summary>
    private async ValueTask RecordAsync(
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
