using System.Collections.Immutable;
using Verity.Core.Trust;

namespace Verity.Core.Configuration;

/// <summary>
/// A validator as configured: name, type, trust roots and the settings of its type.
/// </summary>
public abstract record ValidatorDefinition
{
    /// <summary>The name rules refer to.</summary>
    public required string Name { get; init; }

    /// <summary>The type, e.g. <c>static</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The configuration path of this validator, e.g. <c>application.validators[2]</c>.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The trust roots, in configuration order.</summary>
    public ImmutableArray<TrustRoot> TrustRoots { get; init; } = [];

    /// <summary>The trust root with this name, or null.</summary>
    public TrustRoot? FindTrustRoot(string name)
    {
        foreach (var root in TrustRoots)
        {
            if (root.Name == name)
            {
                return root;
            }
        }

        return null;
    }
}
