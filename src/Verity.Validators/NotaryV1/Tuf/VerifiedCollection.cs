using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// The metadata of one collection that a <see cref="TrustedMetadataSet"/> verified, frozen so it can be kept
/// between validations and shared between threads (python-tuf's ngclient keeps its trusted metadata the same way):
/// <see cref="TrustedMetadataSet.Freeze"/> makes it, <see cref="TrustedMetadataSet.Resume"/> starts from it.
/// </summary>
/// <remarks>
/// <para>Every role in it passed every check when it was loaded, against the root in it: signatures and
/// thresholds, hashes and lengths, listed versions, rollback and expiry at that time. Expiry and rollback
/// depend on the time and on what was seen since, so a set resumed from it checks them again for every role it
/// reuses; the rest holds for as long as the bytes the server serves are the ones listed here.</para>
/// <para>Only <see cref="TrustedMetadataSet"/> creates instances; everything in one is immutable.</para>
/// </remarks>
internal sealed record VerifiedCollection
{
    /// <summary>The collection, e.g. <c>docker.io/library/nginx</c>.</summary>
    public required string Gun { get; init; }

    /// <summary>The trusted root.</summary>
    public required RootMetadata Root { get; init; }

    /// <summary><c>root.json</c> as served, which the snapshot's hashes for root are checked against.</summary>
    public required ReadOnlyMemory<byte> RootBytes { get; init; }

    /// <summary>The verified timestamp.</summary>
    public required TimestampMetadata Timestamp { get; init; }

    /// <summary><c>timestamp.json</c> as served: a timestamp with exactly these bytes needs no new verification.</summary>
    public required ReadOnlyMemory<byte> TimestampBytes { get; init; }

    /// <summary>The verified snapshot.</summary>
    public required SnapshotMetadata Snapshot { get; init; }

    /// <summary>The verified targets roles by name: <c>targets</c> and the delegations loaded so far.</summary>
    public required ImmutableDictionary<string, TargetsMetadata> Targets { get; init; }

    /// <summary>The keys and threshold each role (timestamp, snapshot, targets roles) was verified with.</summary>
    public required ImmutableDictionary<string, SigningRole> SignedBy { get; init; }

    /// <summary>The strictness the roles were verified with.</summary>
    public required TufVerificationOptions Options { get; init; }

    /// <summary>Roughly how many bytes of trust data this holds (the files' signed parts), for cache budgets.</summary>
    public long Size => RootBytes.Length + TimestampBytes.Length + Snapshot.SignedBytes.Length
        + Targets.Values.Sum(t => (long)t.SignedBytes.Length);

    /// <summary>The version of every role in the collection.</summary>
    public ImmutableDictionary<string, long> Versions
    {
        get
        {
            var versions = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
            versions[TufRoles.Root] = Root.Version;
            versions[TufRoles.Timestamp] = Timestamp.Version;
            versions[TufRoles.Snapshot] = Snapshot.Version;
            foreach (var (role, targets) in Targets)
            {
                versions[role] = targets.Version;
            }

            return versions.ToImmutable();
        }
    }
}
