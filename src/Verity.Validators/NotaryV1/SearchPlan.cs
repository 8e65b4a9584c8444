using System.Collections.Immutable;

namespace Verity.Validators.NotaryV1;

/// <summary>Which targets roles must sign an image reference, as <see cref="TargetResolver.TryPlan"/> decides.</summary>
/// <param name="Roles">The roles to search; every one must sign the reference.</param>
/// <param name="IsDefault">True when no delegations were requested and the default <c>targets/releases</c>
/// was chosen because the collection has delegations; only then may an unpublished <c>targets/releases</c>
/// fall back to <c>targets</c>.</param>
internal sealed record SearchPlan(ImmutableArray<string> Roles, bool IsDefault);
