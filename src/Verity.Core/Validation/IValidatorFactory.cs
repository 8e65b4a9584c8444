using Verity.Core.Configuration;

namespace Verity.Core.Validation;

/// <summary>Builds validators of one <c>type</c> from their configuration.</summary>
public interface IValidatorFactory
{
    /// <summary>The type this factory builds, e.g. <c>notaryv1</c>.</summary>
    string Type { get; }

    /// <summary>Builds a validator; does no I/O.</summary>
    /// <exception cref="ConfigurationException">The definition cannot be used by this type.</exception>
    IValidator Create(ValidatorDefinition definition);
}
