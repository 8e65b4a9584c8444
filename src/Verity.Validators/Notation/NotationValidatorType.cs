using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verity.Core.Configuration;
using Verity.Core.Validation;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Notation;

/// <summary>
/// <c>type: notation</c>: <c>trustRoots</c> of certificates (<c>cert</c>, optional <c>tsCert</c>), <c>cert</c> and
/// <c>auth</c> for the registry; rules read the trust-root selection, <c>verificationLevel</c>
/// (<c>strict|permissive|audit|skip</c>) and <c>verifyTimestamp</c> (<c>always|afterCertExpiry</c>).
/// </summary>
public sealed class NotationValidatorType : ValidatorType<NotationValidatorDefinition, NotationRuleOptions>
{
    /// <summary>The type name.</summary>
    public const string TypeName = "notation";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override IReadOnlyCollection<string> RuleOptionKeys { get; } =
        [.. TrustRootOptionsReader.Keys, "verificationLevel", "verifyTimestamp"];

    /// <inheritdoc/>
    public override NotationValidatorDefinition? ReadValidator(string name, ConfigSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new NotationValidatorDefinition
        {
            Name = name,
            TrustRoots = TrustRootReader.Read(section, allowEmpty: false, TrustRootReader.Certificate),
            CaCertificates = SettingsReader.Certificates(section, "cert"),
            Auth = SettingsReader.Auth(section, allowKeychain: false),
        };
    }

    /// <inheritdoc/>
    public override NotationRuleOptions? ReadRuleOptions(ConfigSection with, NotationValidatorDefinition validator)
    {
        ArgumentNullException.ThrowIfNull(with);
        var options = new NotationRuleOptions
        {
            VerificationLevel = ReadEnum(with, "verificationLevel", NotationVerificationLevel.Strict, ["strict", "permissive", "audit", "skip"]),
            VerifyTimestamp = ReadEnum(with, "verifyTimestamp", NotationTimestampPolicy.Always, ["always", "afterCertExpiry"]),
        };
        return TrustRootOptionsReader.Read(with, validator, options, counts: true);
    }

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services) => services.TryAddSingleton<NotationValidatorFactory>();

    /// <inheritdoc/>
    public override IValidator Create(NotationValidatorDefinition definition, IServiceProvider services) =>
        services.GetRequiredService<NotationValidatorFactory>().Create(definition);

    /// <summary>Parses <paramref name="text"/> as one of <paramref name="names"/> (in enum order), or null.</summary>
    public static T? ParseEnum<T>(string? text, string[] names)
        where T : struct, Enum
    {
        var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : Enum.GetValues<T>()[index];
    }

    private static T ReadEnum<T>(ConfigSection with, string key, T fallback, string[] names)
        where T : struct, Enum
    {
        var text = with.GetString(key);
        if (text is null)
        {
            return fallback;
        }

        if (ParseEnum<T>(text, names) is { } value)
        {
            return value;
        }

        with.Error(key, $"\"{text}\" is not a {key}; use one of {string.Join(", ", names)}");
        return fallback;
    }
}
