using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Verity.Core.Images;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// Docker Content Trust's rules for which targets roles sign an image, and the lookup of a tag or digest
/// in them, as Connaisseur applies them (<c>notaryv1_validator.go</c> <c>ValidateImage</c>).
/// </summary>
/// <remarks>
/// <para>Which roles are searched:</para>
/// <list type="bullet">
/// <item>No delegations requested, and <c>targets</c> declares none: <c>targets</c>.</item>
/// <item>No delegations requested, and <c>targets</c> declares some: <c>targets/releases</c> (what
/// <c>docker trust sign</c> writes), which must be declared. If it is declared but was never published — the
/// snapshot does not list it, as when signers were added but nothing was signed yet; like Notary's client, Verity
/// then does not fetch it — the search falls back to <c>targets</c> (Connaisseur's edge case).</item>
/// <item>Delegations requested (names with the <c>targets/</c> prefix): <c>targets</c> must declare
/// delegations, and every requested role must exist and be published; each is searched.</item>
/// </list>
/// <para>Every searched role must sign the reference. A tag must be a target name in the role and within the
/// role's delegated paths; its digest is <c>sha256:</c> + hex of the target's <c>hashes.sha256</c>, and must equal
/// the reference's digest if it has one. A digest-only reference must equal some permitted target's digest.
/// If the roles sign different digests, the reference is denied.</para>
/// </remarks>
internal static class TargetResolver
{
    /// <summary>Decides which roles to search, from the verified top-level <paramref name="targets"/>.</summary>
    /// <returns>False with <paramref name="reason"/> for the user if the request cannot be met.</returns>
    public static bool TryPlan(
        TargetsMetadata targets,
        ImmutableArray<string> requestedDelegations,
        string gun,
        [NotNullWhen(true)] out SearchPlan? plan,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(targets);
        plan = null;
        var declared = targets.Delegations.Roles;
        if (requestedDelegations.IsDefaultOrEmpty)
        {
            if (declared.IsEmpty)
            {
                plan = new SearchPlan([TufRoles.Targets], IsDefault: false);
            }
            else if (targets.Delegations.Find(TufRoles.Releases) is null)
            {
                reason = $"\"{gun}\" has delegations ({string.Join(", ", declared.Select(r => r.Name))}) but no {TufRoles.Releases}, "
                    + "which is searched when the rule names no delegations";
                return false;
            }
            else
            {
                plan = new SearchPlan([TufRoles.Releases], IsDefault: true);
            }

            reason = null;
            return true;
        }

        foreach (var requested in requestedDelegations)
        {
            if (!TufRoles.IsDelegation(requested))
            {
                reason = $"\"{requested}\" is not a valid delegation name";
                return false;
            }
        }

        if (declared.IsEmpty)
        {
            reason = $"\"{gun}\" has no delegations, but the rule requires {string.Join(", ", requestedDelegations)}";
            return false;
        }

        foreach (var requested in requestedDelegations)
        {
            var firstLevel = string.Join('/', requested.Split('/').Take(2));
            if (targets.Delegations.Find(firstLevel) is null)
            {
                reason = $"delegation {firstLevel} does not exist in \"{gun}\" (it has {string.Join(", ", declared.Select(r => r.Name))})";
                return false;
            }
        }

        plan = new SearchPlan([.. requestedDelegations.Distinct(StringComparer.Ordinal)], IsDefault: false);
        reason = null;
        return true;
    }

    /// <summary>Looks the reference up in each of <paramref name="roles"/>, all loaded into <paramref name="trusted"/>.</summary>
    /// <param name="trusted">The verified metadata.</param>
    /// <param name="roles">The roles to search, in order.</param>
    /// <param name="tag">The reference's tag, or null.</param>
    /// <param name="digest">The reference's digest, or null; at least one of tag and digest is required.</param>
    public static TargetResolution Resolve(TrustedMetadataSet trusted, IReadOnlyList<string> roles, string? tag, Digest? digest)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(roles);
        if (tag is null && digest is null)
        {
            throw new ArgumentException("a tag or a digest is required");
        }

        var found = new List<(string Role, Digest Digest)>(roles.Count);
        foreach (var role in roles)
        {
            var metadata = trusted.GetTargets(role)
                ?? throw new InvalidOperationException($"{role} is not loaded");
            if (tag is not null)
            {
                if (!metadata.Targets.TryGetValue(tag, out var file))
                {
                    return new TargetResolution.NotFound($"no signed digest for tag \"{tag}\" in {role} of {trusted.Gun}");
                }

                if (!trusted.Permits(role, tag))
                {
                    return new TargetResolution.NotFound($"{role} of {trusted.Gun} signs tag \"{tag}\" but is not delegated to sign it (outside its paths)");
                }

                if (file.Sha256Digest is not { } signed)
                {
                    return new TargetResolution.NotFound($"the trust data for tag \"{tag}\" in {role} of {trusted.Gun} has no sha256 hash");
                }

                if (digest is { } requested && requested != signed)
                {
                    return new TargetResolution.NotFound(
                        $"tag \"{tag}\" is signed for {signed} in {role} of {trusted.Gun}, not for the requested {requested}");
                }

                found.Add((role, signed));
            }
            else
            {
                var requested = digest!.Value;
                var match = metadata.Targets.Any(t => t.Value.Sha256Digest == requested && trusted.Permits(role, t.Key));
                if (!match)
                {
                    return new TargetResolution.NotFound($"no trust data for digest {requested} in {role} of {trusted.Gun}");
                }

                found.Add((role, requested));
            }
        }

        var first = found[0];
        foreach (var other in found)
        {
            if (other.Digest != first.Digest)
            {
                return new TargetResolution.NotFound(
                    $"delegations {first.Role} and {other.Role} disagree: {first.Digest} vs {other.Digest}");
            }
        }

        return new TargetResolution.Found(first.Digest, [.. found.Select(f => f.Role)]);
    }
}
