using System.Collections.Frozen;
using Verity.Core.Validation;

namespace Verity.Core.Configuration;

/// <summary>The validator types this process knows, by <c>type:</c> name.</summary>
public sealed class ValidatorTypeRegistry
{
    private readonly FrozenDictionary<string, IValidatorType> _types;
    private readonly FrozenDictionary<string, string[]> _optionOwners;

    /// <summary>Creates the registry.</summary>
    /// <exception cref="ArgumentException">Two types have the same name.</exception>
    public ValidatorTypeRegistry(IEnumerable<IValidatorType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var byName = new Dictionary<string, IValidatorType>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (!byName.TryAdd(type.Name, type))
            {
                throw new ArgumentException($"validator type \"{type.Name}\" is registered twice", nameof(types));
            }
        }

        _types = byName.ToFrozenDictionary(StringComparer.Ordinal);
        Names = [.. byName.Keys];
        _optionOwners = byName.Values
            .SelectMany(t => t.RuleOptionKeys.SelectMany(k => new[] { (Key: k, Type: t.Name), (Key: YamlMapping.SnakeCase(k), Type: t.Name) }))
            .Distinct()
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Type).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The type names in registration order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The type called <paramref name="name"/>, or null.</summary>
    public IValidatorType? Find(string name) => _types.GetValueOrDefault(name);

    /// <summary>The types whose rules read the <c>with:</c> key <paramref name="key"/>.</summary>
    public IReadOnlyList<string> TypesReadingOption(string key) => _optionOwners.TryGetValue(key, out var owners) ? owners : [];

    /// <summary>Creates the validator of <paramref name="definition"/> with its type.</summary>
    /// <exception cref="ConfigurationException">The type is unknown or refuses the definition.</exception>
    public IValidator Create(ValidatorDefinition definition, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var type = Find(definition.Type)
            ?? throw new ConfigurationException($"validator type \"{definition.Type}\" is not available in this build of Verity (available: {string.Join(", ", Names)})");
        return type.Create(definition, services);
    }
}
