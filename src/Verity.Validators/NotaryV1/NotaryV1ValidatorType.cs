using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Core.Configuration;
using Verity.Core.Validation;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// <c>type: notaryv1</c>: <c>host</c> (the Notary server), <c>trustRoots</c> of root public keys, <c>cert</c>,
/// <c>auth</c> and v2's <c>isAcr</c>; rules read <c>trustRoot</c> and <c>delegations</c>.
/// </summary>
/// <remarks>
/// A Connaisseur v2 file may leave <c>trustRoots</c> out (a warning: every image is denied). Validators are created
/// by the process-wide <see cref="NotaryV1ValidatorFactory"/>, which keeps rollback state and verified trust data
/// across configuration reloads.
/// </remarks>
public sealed class NotaryV1ValidatorType : ValidatorType<NotaryV1ValidatorDefinition, NotaryV1RuleOptions>
{
    /// <summary>The type name.</summary>
    public const string TypeName = "notaryv1";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override IReadOnlyCollection<string> RuleOptionKeys { get; } = ["trustRoot", "delegations"];

    /// <inheritdoc/>
    public override NotaryV1ValidatorDefinition? ReadValidator(string name, ConfigSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new NotaryV1ValidatorDefinition
        {
            Name = name,
            Host = SettingsReader.Url(section, "host", "notary host") ?? NotaryV1ValidatorDefinition.DefaultHost,
            TrustRoots = TrustRootReader.Read(section, allowEmpty: section.Layout == ConfigLayout.HelmValuesV2, TrustRootReader.PublicKey),
            CaCertificates = SettingsReader.Certificates(section, "cert"),
            Auth = SettingsReader.Auth(section, allowKeychain: false),
            IsAcr = section.GetBool("isAcr") ?? false,
        };
    }

    /// <inheritdoc/>
    public override NotaryV1RuleOptions? ReadRuleOptions(ConfigSection with, NotaryV1ValidatorDefinition validator)
    {
        ArgumentNullException.ThrowIfNull(with);
        var delegations = with.GetStringList("delegations");
        var options = new NotaryV1RuleOptions
        {
            Delegations = delegations is null ? [] : [.. delegations.Select(d => d.StartsWith("targets/", StringComparison.Ordinal) ? d : "targets/" + d)],
        };
        return TrustRootOptionsReader.Read(with, validator, options, counts: false);
    }

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services) => services.TryAddSingleton<NotaryV1ValidatorFactory>();

    /// <inheritdoc/>
    public override IValidator Create(NotaryV1ValidatorDefinition definition, IServiceProvider services) =>
        services.GetRequiredService<NotaryV1ValidatorFactory>().Create(definition);
}
