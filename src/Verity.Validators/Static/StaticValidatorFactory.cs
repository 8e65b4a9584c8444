using Verity.Core.Configuration;
using Verity.Core.Validation;

namespace Verity.Validators.Static;

/// <summary>Builds <see cref="StaticValidator"/>s.</summary>
public sealed class StaticValidatorFactory : IValidatorFactory
{
    /// <inheritdoc/>
    public string Type => StaticValidatorDefinition.TypeName;

    /// <inheritdoc/>
    public IValidator Create(ValidatorDefinition definition)
    {
        return definition is StaticValidatorDefinition staticDefinition
            ? new StaticValidator(staticDefinition)
            : throw new ArgumentException($"expected a static validator definition, got {definition?.Type}", nameof(definition));
    }
}
