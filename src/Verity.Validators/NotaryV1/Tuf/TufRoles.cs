using System.Text.RegularExpressions;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Role names and the rules for delegation names (Notary's <c>tuf/data/roles.go</c>).</summary>
internal static partial class TufRoles
{
    /// <summary>The root role.</summary>
    public const string Root = "root";

    /// <summary>The top-level targets role.</summary>
    public const string Targets = "targets";

    /// <summary>The snapshot role.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>The timestamp role.</summary>
    public const string Timestamp = "timestamp";

    /// <summary>The delegation Docker Content Trust signs into by default.</summary>
    public const string Releases = "targets/releases";

    /// <summary>The four top-level roles.</summary>
    public static readonly string[] TopLevel = [Root, Targets, Snapshot, Timestamp];

    /// <summary>
    /// Whether <paramref name="name"/> is a well-formed delegation name (Notary's <c>IsDelegation</c>):
    /// starts with <c>targets/</c>, uses only <c>[-a-z0-9_/]</c>, is shorter than 256 characters and is a
    /// clean path (no empty, <c>.</c> or <c>..</c> segments, no trailing slash).
    /// </summary>
    public static bool IsDelegation(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length >= 256 || !name.StartsWith("targets/", StringComparison.Ordinal) || !DelegationCharacters().IsMatch(name))
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The name under which Notary serves root version <paramref name="version"/>: <c>2.root</c>, fetched as
    /// <c>2.root.json</c> (TUF §5.3.3; Notary's server keeps every root version).
    /// </summary>
    public static string VersionedRoot(long version) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{version}.{Root}");

    /// <summary>Whether <paramref name="name"/> is root or a versioned root (<see cref="VersionedRoot"/>).</summary>
    public static bool IsRoot(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name == Root || (name.EndsWith("." + Root, StringComparison.Ordinal) && name.Length > Root.Length + 1
            && name.AsSpan(0, name.Length - Root.Length - 1).ContainsAnyExceptInRange('0', '9') is false);
    }

    /// <summary>The role that delegates to <paramref name="delegation"/>: <c>targets/a/b</c> → <c>targets/a</c>.</summary>
    public static string Parent(string delegation)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        var slash = delegation.LastIndexOf('/');
        return slash < 0 ? string.Empty : delegation[..slash];
    }

    /// <summary>How many delegation levels lie below <c>targets</c>: <c>targets/a</c> → 1, <c>targets/a/b</c> → 2.</summary>
    public static int Depth(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return role.Count(c => c == '/');
    }

    [GeneratedRegex("^[-a-z0-9_/]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DelegationCharacters();
}
