using Verity.Core.Policy;

namespace Verity.Core.Configuration;

/// <summary>Binds <c>trustRoot</c>, <c>threshold</c> and <c>required</c> and checks them against the validator's roots.</summary>
public static class TrustRootOptionsReader
{
    /// <summary>The keys <see cref="Read{T}"/> reads with <c>counts: true</c>.</summary>
    public static readonly IReadOnlyCollection<string> Keys = ["trustRoot", "threshold", "required"];

    /// <summary>
    /// Reads the trust-root options into <paramref name="options"/>; records an error when a named root does not
    /// exist. With <paramref name="counts"/> false only <c>trustRoot</c> is read (the type has no thresholds).
    /// </summary>
    public static T Read<T>(ConfigSection with, ValidatorDefinition validator, T options, bool counts)
        where T : TrustRootRuleOptions
    {
        ArgumentNullException.ThrowIfNull(with);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(options);
        var required = counts ? with.GetStringList("required") : null;
        options = options with
        {
            TrustRoot = with.GetString("trustRoot"),
            Threshold = counts ? with.GetInt("threshold", min: 0) : null,
            Required = required is null ? [] : [.. required],
        };

        if (validator.TrustRoots.Length == 0)
        {
            return options;
        }

        var names = string.Join(", ", validator.TrustRoots.Select(r => r.Name));
        var trustRoot = options.TrustRoot ?? TrustRootSelection.DefaultTrustRoot;
        if (trustRoot != TrustRootSelection.AllTrustRoots && validator.FindTrustRoot(trustRoot) is null)
        {
            if (options.TrustRoot is null)
            {
                with.Error($"the rule names no trust root and validator \"{validator.Name}\" has none called \"default\" (trust roots: {names}); add with.trustRoot");
            }
            else
            {
                with.Error("trustRoot", $"validator \"{validator.Name}\" has no trust root \"{trustRoot}\" (trust roots: {names})");
            }
        }

        int i = 0;
        foreach (var name in options.Required)
        {
            if (validator.FindTrustRoot(name) is null)
            {
                with.Error("required", i, $"validator \"{validator.Name}\" has no trust root \"{name}\" (trust roots: {names})");
            }

            i++;
        }

        return options;
    }
}
