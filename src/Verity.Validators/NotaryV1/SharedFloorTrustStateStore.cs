using System.Security.Cryptography;
using System.Text;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// An <see cref="ITrustStateStore"/> that keeps everything in a replica's own store (<see cref="InMemoryTrustStateStore"/>
/// or <see cref="FileTrustStateStore"/>) and also shares the rollback floors with every replica through an
/// <see cref="IRollbackFloorStore"/> (the shared cache), so metadata one replica has seen cannot be rolled back on another.
/// </summary>
/// <remarks>
/// <para>Only versions are shared, never the last trusted root: a root is trust material, and one read from a shared
/// store would make write access to that store enough to choose what a replica trusts. The worst a shared floor can do
/// is deny (a floor above what the server serves), never admit.</para>
/// <para>The shared root floor is applied only while the replica keeps no trusted root of its own: a replica that keeps
/// root version 3 walks to the served root through every rotation (TUF §5.3), which a floor of 5 learnt from another
/// replica would break at version 4; the walk itself already refuses anything older than the kept root.</para>
/// <para>What the shared store cannot answer (down, unreadable) is empty, so protection falls back to the replica's own,
/// and a verdict never depends on the shared store being up.</para>
/// </remarks>
internal sealed class SharedFloorTrustStateStore : ITrustStateStore
{
    private readonly ITrustStateStore _local;
    private readonly IRollbackFloorStore _shared;

    public SharedFloorTrustStateStore(ITrustStateStore local, IRollbackFloorStore shared)
    {
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _shared = shared ?? throw new ArgumentNullException(nameof(shared));
    }

    /// <summary>The key under which the floors of <paramref name="key"/> are shared: the validator type and a SHA-256 of the
    /// server URL and collection (fixed length, whatever the GUN).</summary>
    public static string SharedKey(TrustStateKey key) =>
        NotaryV1ValidatorType.TypeName + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ServerUrl + "\n" + key.Gun)));

    /// <inheritdoc/>
    public async ValueTask<TrustState> GetAsync(TrustStateKey key, CancellationToken cancellationToken)
    {
        var local = await _local.GetAsync(key, cancellationToken);
        var shared = await _shared.GetAsync(SharedKey(key), cancellationToken);
        if (shared.Count == 0)
        {
            return local;
        }

        var floors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (role, version) in shared)
        {
            if (version >= 1 && (role != TufRoles.Root || local.TrustedRoot is null))
            {
                floors[role] = version;
            }
        }

        return local.WouldChange(floors, null) ? local.Merge(floors, null) : local;
    }

    /// <inheritdoc/>
    public async ValueTask RecordAsync(TrustStateKey key, IReadOnlyDictionary<string, long> versions, ReadOnlyMemory<byte>? trustedRoot, CancellationToken cancellationToken)
    {
        await _local.RecordAsync(key, versions, trustedRoot, cancellationToken);
        await _shared.RaiseAsync(SharedKey(key), versions, cancellationToken);
    }
}
