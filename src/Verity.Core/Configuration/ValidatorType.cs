using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Core.Configuration;

/// <summary>A validator type with its own definition and rule-options records; does the casts of <see cref="IValidatorType"/>.</summary>
/// <typeparam name="TDefinition">The type's <c>validators[]</c> entry.</typeparam>
/// <typeparam name="TOptions">The type's rule options.</typeparam>
public abstract class ValidatorType<TDefinition, TOptions> : IValidatorType
    where TDefinition : ValidatorDefinition
    where TOptions : RuleOptions
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public virtual IReadOnlyCollection<string> RuleOptionKeys => [];

    /// <inheritdoc cref="IValidatorType.ReadValidator"/>
    public abstract TDefinition? ReadValidator(string name, ConfigSection section);

    /// <inheritdoc cref="IValidatorType.ReadRuleOptions"/>
    public abstract TOptions? ReadRuleOptions(ConfigSection with, TDefinition validator);

    /// <inheritdoc/>
    public virtual void AddServices(IServiceCollection services)
    {
    }

    /// <inheritdoc cref="IValidatorType.Create"/>
    public abstract IValidator Create(TDefinition definition, IServiceProvider services);

    ValidatorDefinition? IValidatorType.ReadValidator(string name, ConfigSection section) => ReadValidator(name, section);

    RuleOptions? IValidatorType.ReadRuleOptions(ConfigSection with, ValidatorDefinition validator) => ReadRuleOptions(with, Cast(validator));

    IValidator IValidatorType.Create(ValidatorDefinition definition, IServiceProvider services) => Create(Cast(definition), services);

    private TDefinition Cast(ValidatorDefinition definition) => definition as TDefinition
        ?? throw new ArgumentException($"validator \"{definition?.Name}\" is of type {definition?.Type}, not {Name}", nameof(definition));
}
