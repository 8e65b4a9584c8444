using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// Remembers, per collection (GUN), the highest version seen of each role, so that a server (or a
/// man in the middle) cannot roll a collection back to older, validly signed metadata (TUF §5.3.5, §5.4.3,
/// §5.5.5) — for example to revive a tag that was re-signed to a patched image.
/// </summary>
/// <remarks>
/// Only versions of metadata that passed verification are recorded. Implementations must be safe for
/// concurrent use and must only ever raise a recorded version.
/// </remarks>
internal interface ITrustStateStore
{
    /// <summary>The highest version seen of each role of <paramref name="gun"/>; empty if none.</summary>
    ValueTask<ImmutableDictionary<string, long>> GetVersionsAsync(string gun, CancellationToken cancellationToken);

    /// <summary>Raises the recorded version of each role in <paramref name="versions"/> to at least the given one.</summary>
    ValueTask RecordVersionsAsync(string gun, IReadOnlyDictionary<string, long> versions, CancellationToken cancellationToken);
}
