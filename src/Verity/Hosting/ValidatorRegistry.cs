using System.Collections.Frozen;
using System.Collections.Immutable;
using Verity.Core.Configuration;
using Verity.Core.Validation;

namespace Verity.Hosting;

/// <summary>Knows one <see cref="IValidatorFactory"/> per validator type and builds snapshots with them.</summary>
internal sealed class ValidatorRegistry
{
    private readonly FrozenDictionary<string, IValidatorFactory> _factories;
    private readonly TimeProvider _time;

    public ValidatorRegistry(IEnumerable<IValidatorFactory> factories, TimeProvider time)
    {
        _factories = factories.ToFrozenDictionary(f => f.Type, StringComparer.Ordinal);
        _time = time;
    }

    public IReadOnlyCollection<string> Types => _factories.Keys;

    /// <summary>Builds every validator of <paramref name="configuration"/>; no I/O.</summary>
    /// <exception cref="ConfigurationException">A validator type has no implementation or rejects its settings.</exception>
    public PolicySnapshot Build(VerityConfiguration configuration)
    {
        var errors = ImmutableArray.CreateBuilder<ConfigError>();
        var validators = new Dictionary<string, IValidator>(StringComparer.Ordinal);
        foreach (var definition in configuration.Validators)
        {
            if (!_factories.TryGetValue(definition.Type, out var factory))
            {
                errors.Add(new ConfigError(configuration.Source, definition.Path + ".type", 0,
                    $"validator type \"{definition.Type}\" is not available in this build of Verity (available: {string.Join(", ", _factories.Keys.Order(StringComparer.Ordinal))})"));
                continue;
            }

            try
            {
                validators[definition.Name] = factory.Create(definition);
            }
            catch (ConfigurationException e)
            {
                errors.AddRange(e.Errors.Select(x => x with { File = configuration.Source, Path = string.IsNullOrEmpty(x.Path) ? definition.Path : x.Path }));
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors.ToImmutable());
        }

        return new PolicySnapshot(configuration, validators.ToFrozenDictionary(StringComparer.Ordinal), _time.GetUtcNow());
    }
}
