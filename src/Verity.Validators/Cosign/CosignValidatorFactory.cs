using Verity.Core.Configuration;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Validators.Cosign.Keys;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign;

/// <summary>Builds <see cref="CosignValidator"/>s: one registry client and one set of trusted material per validator.</summary>
/// <remarks>
/// The trusted material is the Sigstore public-good root shipped with Verity, with the validator's <c>host</c>
/// overrides (<see cref="TrustedMaterial.ForValidator"/>); the registry client carries the validator's <c>auth</c>
/// and <c>cert</c>. Nothing is fetched here.
/// </remarks>
public sealed class CosignValidatorFactory : IValidatorFactory
{
    private readonly IRegistryClientFactory _registries;
    private readonly IKeyReferenceResolver _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the factory.</summary>
    public CosignValidatorFactory(IRegistryClientFactory registries, IKeyReferenceResolver keys, TimeProvider timeProvider)
    {
        _registries = registries ?? throw new ArgumentNullException(nameof(registries));
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <inheritdoc/>
    public string Type => CosignValidatorDefinition.TypeName;

    /// <inheritdoc/>
    public IValidator Create(ValidatorDefinition definition)
    {
        if (definition is not CosignValidatorDefinition cosign)
        {
            throw new ArgumentException($"expected a cosign validator definition, got {definition?.Type}", nameof(definition));
        }

        var registry = _registries.Create(new RegistryClientSettings
        {
            Name = cosign.Name,
            Auth = cosign.Auth,
            CaCertificates = cosign.CaCertificates,
        });
        return new CosignValidator(cosign, TrustedMaterial.ForValidator(cosign), registry, _keys, _time);
    }
}
