using System.Collections.Immutable;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>Loads delegated targets roles into a <see cref="TrustedMetadataSet"/>, parents first, each verified on the way in.</summary>
internal static class DelegationLoader
{
    /// <summary>
    /// Loads <paramref name="roles"/> and the delegations above them, shallowest first, reusing what was verified
    /// before and fetching the rest; returns the first role that is not published — the snapshot does not list it,
    /// or the server does not have it — (or null when all were loaded), and whether anything was fetched.
    /// </summary>
    public static async ValueTask<(string? Unavailable, bool Fetched)> LoadAsync(
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
            var downloads = Task.WhenAll(batch.Select(role =>
                fetch(role, trusted.Snapshot!.Meta.GetValueOrDefault(role)?.Length, cancellationToken).AsTask()));

            // While they travel: read the keys their verified parents assign them (only reads keys).
            foreach (var role in batch)
            {
                var delegations = trusted.GetTargets(TufRoles.Parent(role))!.Delegations;
                delegations.RoleFor(delegations.Find(role)!).ImportKeys();
            }

            var bodies = await downloads;
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
}
