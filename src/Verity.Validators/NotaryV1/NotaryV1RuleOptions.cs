using System.Collections.Immutable;
using Verity.Core.Policy;

namespace Verity.Validators.NotaryV1;

/// <summary>A rule's options for a notaryv1 validator: <c>trustRoot</c> and <c>delegations</c>.</summary>
public sealed record NotaryV1RuleOptions : TrustRootRuleOptions
{
    /// <summary>Options with every default.</summary>
    public static new NotaryV1RuleOptions Default { get; } = new();

    /// <summary>Delegation roles that must all have signed the same digest (with <c>targets/</c> prefix).</summary>
    public ImmutableArray<string> Delegations { get; init; } = [];
}
