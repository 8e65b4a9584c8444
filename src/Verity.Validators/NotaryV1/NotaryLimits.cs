namespace Verity.Validators.NotaryV1;

/// <summary>The largest trust data files Verity downloads, per role.</summary>
/// <remarks>
/// A delegation's size is known before it is fetched (the verified snapshot lists it) and that length is the limit
/// (TUF §5.6.1), up to <see cref="MaxDelegationBytes"/>. The top-level roles are fetched before anything is verified,
/// so they get fixed caps well above what real collections need: a timestamp lists one file, a root a handful of
/// keys, and a targets file of 4 MiB holds some 20 000 tags.
/// </remarks>
internal static class NotaryLimits
{
    /// <summary>64 KiB for <c>timestamp.json</c>.</summary>
    public const long TimestampBytes = 64 * 1024;

    /// <summary>1 MiB for <c>root.json</c>.</summary>
    public const long RootBytes = 1024 * 1024;

    /// <summary>4 MiB for <c>snapshot.json</c>.</summary>
    public const long SnapshotBytes = 4 * 1024 * 1024;

    /// <summary>4 MiB for <c>targets.json</c>, and for a delegation whose length the snapshot does not list.</summary>
    public const long TargetsBytes = 4 * 1024 * 1024;

    /// <summary>16 MiB: the most a delegation may be even when the snapshot lists more.</summary>
    public const long MaxDelegationBytes = 16 * 1024 * 1024;

    /// <summary>The limit for <paramref name="role"/>, given the length verified metadata lists for it, if any: the listed
    /// length, never more than the role's own cap (<see cref="Cap"/>).</summary>
    public static long For(string role, long? listedLength)
    {
        return listedLength is { } listed ? Math.Clamp(listed, 0, Cap(role)) : Default(role);
    }

    /// <summary>The most <paramref name="role"/> may be whatever verified metadata lists for it.</summary>
    public static long Cap(string role) => Tuf.TufRoles.IsDelegation(role) ? MaxDelegationBytes : Default(role);

    private static long Default(string role) => role switch
    {
        Tuf.TufRoles.Timestamp => TimestampBytes,
        _ when Tuf.TufRoles.IsRoot(role) => RootBytes,
        Tuf.TufRoles.Snapshot => SnapshotBytes,
        _ => TargetsBytes,
    };
}
