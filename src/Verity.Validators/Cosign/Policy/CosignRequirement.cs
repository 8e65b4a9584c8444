using System.Collections.Immutable;
using Verity.Core.Trust;

namespace Verity.Validators.Cosign.Policy;

/// <summary>What a rule asks of an image's signatures: which trust roots to evaluate and how many must sign.</summary>
internal sealed record CosignRequirement
{
    /// <summary>The trust roots to check signatures against, in configuration order.</summary>
    public required ImmutableArray<TrustRoot> TrustRoots { get; init; }

    /// <summary>How many distinct trust roots must have signed, or null for no count.</summary>
    public int? Threshold { get; init; }

    /// <summary>Trust roots that must each have signed.</summary>
    public ImmutableArray<string> Required { get; init; } = [];

    /// <summary>The one trust root a rule names (not <c>*</c>); it must have signed.</summary>
    public string? Single { get; init; }
}
