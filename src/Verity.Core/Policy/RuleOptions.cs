namespace Verity.Core.Policy;

/// <summary>
/// The <c>with:</c> options of a policy rule that every validator type shares; each type derives its own options
/// record from this one and binds it when the configuration loads.
/// </summary>
public record RuleOptions
{
    /// <summary>Options with every default.</summary>
    public static RuleOptions Default { get; } = new();

    /// <summary>Whether the trusted digest is patched into the workload.</summary>
    public ValidationMode Mode { get; init; } = ValidationMode.Mutate;
}
