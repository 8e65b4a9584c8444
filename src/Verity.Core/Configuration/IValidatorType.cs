using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Core.Configuration;

/// <summary>
/// A kind of validator (<c>type: static</c>, <c>notaryv1</c>, …): everything the rest of Verity knows about it.
/// </summary>
/// <remarks>
/// <para>A type reads its own <c>validators[]</c> entries and binds its rules' <c>with:</c> options when the
/// configuration loads, so that a mistake is an error with its path before anything runs; it then creates one
/// <see cref="IValidator"/> per entry for each configuration snapshot. Configuration, policy and admission code
/// never name a type: they go through this contract and the <see cref="ValidatorTypeRegistry"/>.</para>
/// <para>Adding a type: one folder with the type, its definition, options and validator, and one registration
/// line. <see cref="ValidatorType{TDefinition, TOptions}"/> does the casting for typed implementations.</para>
/// </remarks>
public interface IValidatorType
{
    /// <summary>The <c>type:</c> value, e.g. <c>notaryv1</c>.</summary>
    string Name { get; }

    /// <summary>The <c>with:</c> keys this type reads (besides <c>mode</c>, which every type has).</summary>
    IReadOnlyCollection<string> RuleOptionKeys { get; }

    /// <summary>
    /// Reads one <c>validators[]</c> entry; <c>name</c> and <c>type</c> are already read. Records every problem on
    /// <paramref name="section"/> and returns null when the entry cannot be used.
    /// </summary>
    ValidatorDefinition? ReadValidator(string name, ConfigSection section);

    /// <summary>
    /// Binds a rule's <c>with:</c> options for a validator of this type (an empty section when the rule has no
    /// <c>with:</c>); null after recording errors. The loader sets <see cref="RuleOptions.Mode"/> afterwards.
    /// </summary>
    RuleOptions? ReadRuleOptions(ConfigSection with, ValidatorDefinition validator);

    /// <summary>Registers what <see cref="Create"/> needs from the container (shared state, clients); once per process.</summary>
    void AddServices(IServiceCollection services);

    /// <summary>Creates the validator of one definition for a snapshot; does no I/O.</summary>
    /// <exception cref="ConfigurationException">The definition cannot be used.</exception>
    IValidator Create(ValidatorDefinition definition, IServiceProvider services);
}
