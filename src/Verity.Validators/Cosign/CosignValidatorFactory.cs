using Verity.Core.Validation;
using Verity.Registry;
using Verity.Validators.Cosign.Keys;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign;

/// <summary>Builds <see cref="CosignValidator"/>s: one registry client and one set of trusted material per validator.</summary>
/// <remarks>
/// The trusted material is the Sigstore public-good root shipped with Verity, with the validator's <c>host</c>
/// overrides (<see cref="TrustedMaterial.WithConnaisseurHost"/>); the registry client carries the validator's <c>auth</c>
/// and <c>cert</c>. Nothing is fetched here.
/// </remarks>
public sealed class CosignValidatorFactory
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

    /// <summary>Builds the validator of <paramref name="cosign"/>; does no I/O.</summary>
    public IValidator Create(CosignValidatorDefinition cosign)
    {
        ArgumentNullException.ThrowIfNull(cosign);

        var registry = _registries.Create(new RegistryClientSettings
        {
            Name = cosign.Name,
            Auth = cosign.Auth,
            CaCertificates = cosign.CaCertificates,
        });
        return new CosignValidator(cosign, TrustedMaterial.PublicGood.WithConnaisseurHost(cosign.RekorPublicKey, cosign.FulcioRoots, cosign.CtLogPublicKey), registry, _keys, _time);
    }
}
