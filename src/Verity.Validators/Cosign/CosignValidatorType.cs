using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Core.Configuration;
using Verity.Core.Validation;

namespace Verity.Validators.Cosign;

/// <summary>
/// <c>type: cosign</c>: <c>trustRoots</c> of keys (PEM or <c>k8s://</c> references) or keyless identities,
/// <c>host</c> (Rekor, Fulcio, CT log overrides; v2: the Rekor URL), <c>cert</c> and <c>auth</c>; rules read the
/// trust-root selection and <c>verifyInTransparencyLog</c>, <c>verifySCT</c>, <c>acceptSignedPlatforms</c>,
/// <c>predicateTypes</c>.
/// </summary>
public sealed class CosignValidatorType : ValidatorType<CosignValidatorDefinition, CosignRuleOptions>
{
    /// <summary>The type name.</summary>
    public const string TypeName = "cosign";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override IReadOnlyCollection<string> RuleOptionKeys { get; } =
        [.. TrustRootOptionsReader.Keys, "verifyInTransparencyLog", "verifySCT", "acceptSignedPlatforms", "predicateTypes"];

    /// <inheritdoc/>
    public override CosignValidatorDefinition? ReadValidator(string name, ConfigSection section) => CosignSettingsReader.Read(name, section);

    /// <inheritdoc/>
    public override CosignRuleOptions? ReadRuleOptions(ConfigSection with, CosignValidatorDefinition validator)
    {
        ArgumentNullException.ThrowIfNull(with);
        var options = new CosignRuleOptions
        {
            VerifyInTransparencyLog = with.GetBool("verifyInTransparencyLog") ?? true,
            VerifySct = with.GetBool("verifySCT") ?? true,
            AcceptSignedPlatforms = with.GetBool("acceptSignedPlatforms") ?? false,
            PredicateTypes = ReadPredicateTypes(with),
        };
        return TrustRootOptionsReader.Read(with, validator, options, counts: true);
    }

    /// <summary><c>predicateTypes</c>: absolute URIs (as in-toto predicate types are), each once.</summary>
    private static ImmutableArray<string> ReadPredicateTypes(ConfigSection with)
    {
        var types = with.GetStringList("predicateTypes");
        if (types is null)
        {
            return [];
        }

        var accepted = ImmutableArray.CreateBuilder<string>(types.Count);
        for (var i = 0; i < types.Count; i++)
        {
            var type = types[i];
            if (!Uri.TryCreate(type, UriKind.Absolute, out _) || type.Any(char.IsWhiteSpace))
            {
                with.Error("predicateTypes", i, $"\"{type}\" is not a predicate type URI (e.g. https://slsa.dev/provenance/v1; cosign's short names such as slsaprovenance are not accepted)");
            }
            else if (accepted.Contains(type, StringComparer.Ordinal))
            {
                with.Error("predicateTypes", i, $"\"{type}\" is listed twice");
            }
            else
            {
                accepted.Add(type);
            }
        }

        return accepted.ToImmutable();
    }

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services) => services.TryAddSingleton<CosignValidatorFactory>();

    /// <inheritdoc/>
    public override IValidator Create(CosignValidatorDefinition definition, IServiceProvider services) =>
        services.GetRequiredService<CosignValidatorFactory>().Create(definition);
}
