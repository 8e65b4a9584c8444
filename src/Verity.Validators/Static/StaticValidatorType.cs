using Verity.Core.Configuration;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Validators.Static;

/// <summary><c>type: static</c>: <c>approve: true|false</c>, no trust roots, no rule options of its own.</summary>
public sealed class StaticValidatorType : ValidatorType<StaticValidatorDefinition, RuleOptions>
{
    /// <summary>The type name.</summary>
    public const string TypeName = "static";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override StaticValidatorDefinition? ReadValidator(string name, ConfigSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var approve = section.GetBool("approve");
        if (approve is null && !section.Has("approve"))
        {
            section.Error("a static validator needs approve: true or approve: false");
        }

        return approve is null ? null : new StaticValidatorDefinition { Name = name, Approve = approve.Value };
    }

    /// <inheritdoc/>
    public override RuleOptions? ReadRuleOptions(ConfigSection with, StaticValidatorDefinition validator) => RuleOptions.Default;

    /// <inheritdoc/>
    public override IValidator Create(StaticValidatorDefinition definition, IServiceProvider services) => new StaticValidator(definition);
}
