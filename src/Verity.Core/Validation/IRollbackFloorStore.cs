namespace Verity.Core.Validation;

/// <summary>
/// Rollback floors shared beyond one process (all replicas of the webhook): per string key, the highest version seen of
/// each named role. A version is only ever raised, never lowered.
/// </summary>
/// <remarks>
/// <para>The host registers one (for example backed by the shared cache); a validator type that finds none keeps its
/// floors in the process (and, with a state directory, on disk). Keys are chosen by the validator type and are opaque to
/// the store; role names and versions are the validator's (for <c>notaryv1</c>, TUF role names and metadata versions).</para>
/// <para>A shared store adds to the protection a replica has on its own, it never replaces it: what it cannot give (the
/// store is down, an entry cannot be read) is an empty answer, as a fresh process would see, not an error, so an outage of
/// the store never changes a verdict. Implementations must be safe for concurrent use and must raise atomically (two
/// replicas raising the same role at once keep the higher version).</para>
/// </remarks>
public interface IRollbackFloorStore
{
    /// <summary>The highest version recorded of each role under <paramref name="key"/>; empty when nothing is recorded or
    /// the store cannot answer.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<IReadOnlyDictionary<string, long>> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Raises each role in <paramref name="versions"/> to at least the given version under
    /// <paramref name="key"/>; best effort (a store that cannot be reached keeps nothing).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask RaiseAsync(string key, IReadOnlyDictionary<string, long> versions, CancellationToken cancellationToken);
}
