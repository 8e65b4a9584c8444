using Verity.Core.Validation;

namespace Verity.Caching;

/// <summary>
/// Verdicts shared by every replica (the shared cache), behind the in-process <see cref="VerdictCache"/>.
/// </summary>
/// <remarks>
/// Keyed by <see cref="VerdictKey.Configuration"/> (the configuration's content hash), rule, validator and image, never by
/// the per-process generation, so replicas with the same configuration share entries and a changed configuration never
/// reads old ones. A store that cannot answer gives a miss and keeps nothing: it never throws but for cancellation.
/// </remarks>
internal interface ISharedVerdictStore
{
    /// <summary>The stored outcome and how long it is still valid, or null (missing, expired, unreadable, store down).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<(ValidationOutcome Outcome, TimeSpan Remaining)?> GetAsync(VerdictKey key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="outcome"/> for <paramref name="lifetime"/>; best effort.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask SetAsync(VerdictKey key, ValidationOutcome outcome, TimeSpan lifetime, CancellationToken cancellationToken);
}
