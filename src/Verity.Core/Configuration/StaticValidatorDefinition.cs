namespace Verity.Core.Configuration;

/// <summary><c>type: static</c>: approves or denies every image it is used for.</summary>
public sealed record StaticValidatorDefinition : ValidatorDefinition
{
    /// <summary>The type name.</summary>
    public const string TypeName = "static";

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Whether images are approved.</summary>
    public required bool Approve { get; init; }
}
