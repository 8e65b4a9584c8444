using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary><c>root.json</c> (TUF §4.3; Notary's <c>data.Root</c>).</summary>
/// <remarks>
/// As Notary's <c>isValidRootStructure</c> requires, all four top-level roles (<c>root</c>, <c>targets</c>,
/// <c>snapshot</c>, <c>timestamp</c>) are defined, each with a threshold of at least 1 and only key IDs that
/// <see cref="Keys"/> holds.
/// </remarks>
internal sealed record RootMetadata : TufMetadata
{
    /// <summary>The <c>_type</c> Notary writes.</summary>
    public const string TypeName = "Root";

    /// <summary>The keys by the key ID they are listed under (which should equal <see cref="TufKey.Id"/>).</summary>
    public required ImmutableDictionary<string, TufKey> Keys { get; init; }

    /// <summary>The top-level roles by name.</summary>
    public required ImmutableDictionary<string, RoleKeys> Roles { get; init; }

    /// <summary>The <c>consistent_snapshot</c> flag (informational; Notary servers serve plain names too).</summary>
    public bool ConsistentSnapshot { get; init; }

    /// <summary>The signing role for top-level role <paramref name="role"/>.</summary>
    public SigningRole RoleFor(string role)
    {
        var definition = Roles[role];
        return new SigningRole(role, SigningRole.Select(Keys, definition.KeyIds), definition.Threshold);
    }
}
