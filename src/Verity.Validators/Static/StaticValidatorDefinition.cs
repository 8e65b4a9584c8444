using Verity.Core.Configuration;

namespace Verity.Validators.Static;

/// <summary><c>type: static</c>: approves or denies every image it is used for.</summary>
public sealed record StaticValidatorDefinition : ValidatorDefinition
{
    /// <inheritdoc/>
    public override string Type => StaticValidatorType.TypeName;

    /// <summary>Whether images are approved.</summary>
    public required bool Approve { get; init; }
}
