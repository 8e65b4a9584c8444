using System.Collections.Immutable;

namespace Verity.Core.Policy;

/// <summary>
/// Rule options of validator types that have trust roots: which roots a rule trusts and how many must have signed
/// (<c>trustRoot</c>, <c>threshold</c>, <c>required</c>), resolved by <see cref="TrustRootSelection"/>.
/// </summary>
public record TrustRootRuleOptions : RuleOptions
{
    /// <summary>The trust root name, <c>*</c> for all, or null for the one named <c>default</c>.</summary>
    public string? TrustRoot { get; init; }

    /// <summary>How many distinct signers among the trust roots must have signed (with <c>trustRoot: "*"</c>).</summary>
    public int? Threshold { get; init; }

    /// <summary>Trust roots that must each have signed.</summary>
    public ImmutableArray<string> Required { get; init; } = [];
}
