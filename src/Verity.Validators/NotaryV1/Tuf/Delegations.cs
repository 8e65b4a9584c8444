using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>A targets role's <c>delegations</c> (TUF §4.5; Notary's <c>data.Delegations</c>).</summary>
internal sealed record Delegations
{
    /// <summary>No delegations.</summary>
    public static Delegations None { get; } = new() { Keys = ImmutableDictionary<string, TufKey>.Empty, Roles = [] };

    /// <summary>The keys the delegated roles use, by listed key ID.</summary>
    public required ImmutableDictionary<string, TufKey> Keys { get; init; }

    /// <summary>The delegated roles, in file order, with distinct names.</summary>
    public required ImmutableArray<DelegatedRole> Roles { get; init; }

    /// <summary>The delegation named <paramref name="name"/>, or null.</summary>
    public DelegatedRole? Find(string name)
    {
        foreach (var role in Roles)
        {
            if (role.Name == name)
            {
                return role;
            }
        }

        return null;
    }

    /// <summary>The signing role for <paramref name="role"/>.</summary>
    public SigningRole RoleFor(DelegatedRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new SigningRole(role.Name, SigningRole.Select(Keys, role.KeyIds), role.Threshold);
    }
}
