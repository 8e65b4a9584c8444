using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// A delegation from a targets role to a child role (TUF §4.5 DELEGATIONS ROLES; Notary's <c>data.Role</c>):
/// its name, keys, threshold and the target names it may sign.
/// </summary>
/// <remarks>
/// A target name is permitted when it starts with one of <see cref="Paths"/> (Notary's prefix rule,
/// <c>DelegationRole.CheckPaths</c>: <c>""</c> permits every name) or when the hex SHA-256 of the name starts
/// with one of <see cref="PathHashPrefixes"/> (TUF's <c>path_hash_prefixes</c>, which Notary does not write).
/// A role with neither permits nothing, as in Notary.
/// </remarks>
internal sealed record DelegatedRole
{
    /// <summary>The role name, e.g. <c>targets/releases</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The key IDs, each present in the parent's <c>delegations.keys</c>.</summary>
    public required ImmutableArray<string> KeyIds { get; init; }

    /// <summary>How many distinct keys must sign, at least 1.</summary>
    public required int Threshold { get; init; }

    /// <summary>Target-name prefixes this role may sign.</summary>
    public ImmutableArray<string> Paths { get; init; } = [];

    /// <summary>Prefixes of the hex SHA-256 of target names this role may sign.</summary>
    public ImmutableArray<string> PathHashPrefixes { get; init; } = [];

    /// <summary>Whether this delegation allows the role to sign <paramref name="targetName"/>.</summary>
    public bool Permits(string targetName)
    {
        ArgumentNullException.ThrowIfNull(targetName);
        foreach (var path in Paths)
        {
            if (targetName.StartsWith(path, StringComparison.Ordinal))
            {
                return true;
            }
        }

        if (PathHashPrefixes.IsEmpty)
        {
            return false;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(targetName)));
        foreach (var prefix in PathHashPrefixes)
        {
            if (hash.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
