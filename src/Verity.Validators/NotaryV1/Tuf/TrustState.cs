using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// What is remembered of one collection on one server between validations: the highest version seen of each role
/// (the rollback floor, TUF §5.3.5, §5.4.3, §5.5.5, §5.6.4) and the last trusted root (TUF §5.2), from which a later
/// root must be reached one signed rotation at a time (§5.3).
/// </summary>
internal sealed record TrustState
{
    /// <summary>The most root bytes kept: larger roots still count toward the floor, but are not kept as the start of
    /// the next root walk (real roots are a few KiB).</summary>
    public const int MaxRootBytes = 64 * 1024;

    /// <summary>Nothing remembered.</summary>
    public static TrustState Empty { get; } = new();

    /// <summary>The highest version seen of each role.</summary>
    public ImmutableDictionary<string, long> Versions { get; init; } = ImmutableDictionary<string, long>.Empty;

    /// <summary><c>root.json</c> as served, of the last root trusted for the collection; null if none is kept.</summary>
    public ReadOnlyMemory<byte>? TrustedRoot { get; init; }

    /// <summary>
    /// This state raised by what a verification found: each role's version to at least the given one, and the trusted
    /// root replaced by <paramref name="trustedRoot"/> when that root's version (<c>versions["root"]</c>) is newer than the
    /// kept one's, or none is kept. Versions never go down, and a root never replaces a newer one.
    /// </summary>
    public TrustState Merge(IReadOnlyDictionary<string, long> versions, ReadOnlyMemory<byte>? trustedRoot)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var merged = Versions.ToBuilder();
        foreach (var (role, version) in versions)
        {
            if (!merged.TryGetValue(role, out var known) || version > known)
            {
                merged[role] = version;
            }
        }

        var root = TrustedRoot;
        if (trustedRoot is { } candidate && candidate.Length <= MaxRootBytes && versions.TryGetValue(TufRoles.Root, out var rootVersion)
            && (root is null || !Versions.TryGetValue(TufRoles.Root, out var keptVersion) || rootVersion > keptVersion))
        {
            root = candidate.ToArray();
        }

        return new TrustState { Versions = merged.ToImmutable(), TrustedRoot = root };
    }

    /// <summary>Whether <see cref="Merge"/> with these arguments would change anything.</summary>
    public bool WouldChange(IReadOnlyDictionary<string, long> versions, ReadOnlyMemory<byte>? trustedRoot)
    {
        ArgumentNullException.ThrowIfNull(versions);
        foreach (var (role, version) in versions)
        {
            if (!Versions.TryGetValue(role, out var known) || version > known)
            {
                return true;
            }
        }

        return TrustedRoot is null && trustedRoot is { Length: > 0 and <= MaxRootBytes };
    }
}
