namespace Verity.Core.Policy;

/// <summary>One rule of the image policy: a pattern, the validator to use and its options.</summary>
public sealed record PolicyRule
{
    /// <summary>The validator used when a rule names none.</summary>
    public const string DefaultValidator = "default";

    /// <summary>The image pattern.</summary>
    public required PolicyPattern Pattern { get; init; }

    /// <summary>The validator's name (<see cref="DefaultValidator"/> when the rule names none).</summary>
    public required string Validator { get; init; }

    /// <summary>The rule's <c>with:</c> options.</summary>
    public RuleOptions Options { get; init; } = RuleOptions.Default;

    /// <summary>The rule's position in the configured list, from 0.</summary>
    public int Index { get; init; }
}
