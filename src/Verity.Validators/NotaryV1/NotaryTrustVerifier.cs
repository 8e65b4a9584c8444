using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
    private readonly TimeProvider _timeProvider;
    private readonly TufVerificationOptions _options;
    private readonly NotaryTrustCache _cache;
    private readonly TufKeyCache _keyCache;
    private readonly NotaryTrustRefresher _refresher;

    /// <summary>Creates the verifier.</summary>
    /// <param name="store">Remembers versions per collection for rollback protection.</param>
    /// <param name="timeProvider">The clock for expiry checks.</param>
    /// <param name="options">Strictness choices; null for the defaults.</param>
    /// <param name="cache">Verified trust data kept between validations, shared by the verifiers of one process;
    /// null for one of this verifier's own.</param>
    /// <param name="logger">Where the fall-back from kept trust data to a full refresh is logged, with its reason.</param>
    /// <param name="keyCache">The keys and certificates metadata listed, read once per process and shared by its verifiers;
    /// null for one of this verifier's own.</param>
    public NotaryTrustVerifier(
        ITrustStateStore store,
        TimeProvider timeProvider,
        TufVerificationOptions? options = null,
        NotaryTrustCache? cache = null,
        ILogger? logger = null,
        TufKeyCache? keyCache = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? TufVerificationOptions.Default;
        _cache = cache ?? new NotaryTrustCache();
        _keyCache = keyCache ?? new TufKeyCache();
        _refresher = new NotaryTrustRefresher(_store, _timeProvider, _options, _cache, _keyCache, logger ?? NullLogger.Instance);
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
            var refresh = await _refresher.RefreshAsync(key, full, request, fetch, cancellationToken);
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

    /// <summary>Resolves the reference against <paramref name="collection"/>, checked again for this validation.</summary>
    /// <exception cref="TufException">A role kept or fetched is not acceptable now.</exception>
    private async ValueTask<ValidationOutcome> ResolveAsync(
        NotaryCollectionKey key, VerifiedCollection collection, NotaryTrustRequest request, NotaryRoleFetcher fetch, CancellationToken cancellationToken)
    {
        var gun = request.Gun;
        var state = await _store.GetAsync(request.StateKey, cancellationToken);
        var trusted = TrustedMetadataSet.Resume(collection, _timeProvider.GetUtcNow(), state.Versions, _options, _keyCache);
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
            var (unavailable, fetched) = await DelegationLoader.LoadAsync(trusted, roles, fetch, cancellationToken);
            if (fetched)
            {
                _cache.Replace(key, collection, trusted.Freeze());
                await _refresher.RecordAsync(request.StateKey, trusted, state, cancellationToken);
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
}
