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
/// <item>Fetch <c>root</c>, <c>timestamp</c>, <c>snapshot</c> and <c>targets</c> concurrently. A role the
/// server does not have means the collection is not signed: denied.</item>
/// <item>Verify them in order with a <see cref="TrustedMetadataSet"/>: root against the pinned keys and its own
/// threshold, then timestamp, snapshot and targets against root's keys and thresholds, hashes, expiry and the
/// highest versions seen before (<see cref="ITrustStateStore"/>).</item>
/// <item>Decide which roles to search (<see cref="TargetResolver.TryPlan"/>), fetch only those delegations and
/// the delegations above them (one level at a time, each level concurrently), and verify each.</item>
/// <item>Look the tag or digest up in every searched role (<see cref="TargetResolver.Resolve"/>).</item>
/// <item>Record the versions of every role that passed verification.</item>
/// </list>
/// <para>Every "no" of the evidence is a <see cref="ValidationOutcome.Denied"/> with a sentence for the user.
/// Exceptions from the fetcher (the evidence could not be obtained) propagate.</para>
/// </remarks>
internal sealed class NotaryTrustVerifier
{
    private readonly ITrustStateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly TufVerificationOptions _options;

    /// <summary>Creates the verifier.</summary>
    /// <param name="store">Remembers versions per collection for rollback protection.</param>
    /// <param name="timeProvider">The clock for expiry checks.</param>
    /// <param name="options">Strictness choices; null for the defaults.</param>
    public NotaryTrustVerifier(ITrustStateStore store, TimeProvider timeProvider, TufVerificationOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? TufVerificationOptions.Default;
    }

    /// <summary>Verifies the collection and resolves the reference.</summary>
    /// <param name="request">The collection, pinned keys, reference and required delegations.</param>
    /// <param name="fetch">Fetches one role's bytes as served; called for the four top-level roles and for
    /// the delegations that are searched (and their parents), never for others.</param>
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

        var gun = request.Gun;
        var now = _timeProvider.GetUtcNow();
        var known = await _store.GetVersionsAsync(gun, cancellationToken);

        var topLevel = await Task.WhenAll(
            TufRoles.TopLevel.Select(role => fetch(role, null, cancellationToken).AsTask()));
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < topLevel.Length; i++)
        {
            if (topLevel[i] is not { } body)
            {
                return NoTrustData(gun, request.Server, TufRoles.TopLevel[i]);
            }

            files[TufRoles.TopLevel[i]] = body;
        }

        TrustedMetadataSet? trusted = null;
        try
        {
            trusted = TrustedMetadataSet.LoadPinnedRoot(gun, files[TufRoles.Root], request.TrustRoots, now, known, _options);
            trusted.UpdateTimestamp(files[TufRoles.Timestamp]);
            trusted.UpdateSnapshot(files[TufRoles.Snapshot]);
            var targets = trusted.UpdateTargets(files[TufRoles.Targets]);

            if (!TargetResolver.TryPlan(targets, request.Delegations, gun, out var plan, out var reason))
            {
                return new ValidationOutcome.Denied(reason);
            }

            var roles = plan.Roles;
            if (roles is not [TufRoles.Targets])
            {
                var unavailable = await LoadDelegationsAsync(trusted, roles, fetch, cancellationToken);
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
        catch (TufException e)
        {
            return new ValidationOutcome.Denied(e.Message);
        }
        finally
        {
            if (trusted is not null)
            {
                // Everything in the set passed verification, even when a later step failed.
                await _store.RecordVersionsAsync(gun, trusted.Versions, cancellationToken);
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

    /// <summary>
    /// Loads <paramref name="roles"/> and the delegations above them, shallowest first; returns the first
    /// role the server does not have, or null when all were loaded.
    /// </summary>
    private static async ValueTask<string?> LoadDelegationsAsync(
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

        foreach (var level in needed.GroupBy(TufRoles.Depth).OrderBy(g => g.Key))
        {
            var batch = level.ToArray();
            foreach (var role in batch)
            {
                // Never fetch a role that its (verified) parent does not delegate to.
                var parent = TufRoles.Parent(role);
                if (trusted.GetTargets(parent)?.Delegations.Find(role) is null)
                {
                    throw new TufException($"{parent} does not delegate to {role}");
                }
            }

            var bodies = await Task.WhenAll(batch.Select(role =>
                fetch(role, trusted.Snapshot!.Meta.GetValueOrDefault(role)?.Length, cancellationToken).AsTask()));
            for (var i = 0; i < batch.Length; i++)
            {
                if (bodies[i] is not { } body)
                {
                    return batch[i];
                }

                trusted.UpdateDelegatedTargets(body, batch[i]);
            }
        }

        return null;
    }
}
