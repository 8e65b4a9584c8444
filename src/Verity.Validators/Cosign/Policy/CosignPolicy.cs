using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Verity.Core.Policy;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Cosign.Policy;

/// <summary>
/// The threshold and required-signer logic of Connaisseur's cosign validator (reference §5.3), counting
/// distinct trust roots rather than signatures.
/// </summary>
/// <remarks>
/// <para>Selection (<see cref="TrySelect"/>):</para>
/// <list type="bullet">
/// <item><c>trustRoot: "*"</c> with no <c>required</c>, or a <c>threshold</c> above the number of required
/// roots: all trust roots are evaluated. Otherwise with <c>"*"</c>: only the required roots.</item>
/// <item>A named trust root (or <c>default</c> when none is named): that root plus any required roots.</item>
/// </list>
/// <para>Decision (<see cref="Evaluate"/>), in this order:</para>
/// <list type="number">
/// <item>a named root must have signed: <c>no signature by trust root "alice"</c>;</item>
/// <item>with <c>"*"</c>, the number of distinct roots that signed must reach the threshold: the configured
/// <c>threshold</c>, or every evaluated root when neither <c>threshold</c> nor <c>required</c> is set:
/// <c>validation threshold not reached (1/2)</c>;</item>
/// <item>every required root must have signed: <c>1 of 3 required signatures found (missing: bob, charlie)</c>.</item>
/// </list>
/// Example: roots alice, bob, charlie; <c>trustRoot: "*"</c>, <c>threshold: 2</c>; alice signed twice with the
/// same key: 1 root signed, so <c>validation threshold not reached (1/2)</c> (Connaisseur would count 2).
/// </remarks>
internal static class CosignPolicy
{
    /// <summary>The name <c>with.trustRoot</c> uses for "all trust roots".</summary>
    public const string AllTrustRoots = "*";

    /// <summary>The trust root used when a rule names none.</summary>
    public const string DefaultTrustRoot = "default";

    /// <summary>Works out which trust roots a rule evaluates and what it requires of them.</summary>
    /// <param name="trustRoots">The validator's trust roots.</param>
    /// <param name="options">The rule's options.</param>
    /// <param name="requirement">The requirement.</param>
    /// <param name="error">A denial reason when the rule names roots the validator does not have.</param>
    public static bool TrySelect(
        ImmutableArray<TrustRoot> trustRoots,
        RuleOptions options,
        [NotNullWhen(true)] out CosignRequirement? requirement,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        requirement = null;
        var required = options.Required.IsDefault ? [] : options.Required.Distinct(StringComparer.Ordinal).ToImmutableArray();
        foreach (var requiredName in required)
        {
            if (Find(trustRoots, requiredName) is null)
            {
                error = $"required trust root \"{requiredName}\" is not defined for this validator";
                return false;
            }
        }

        int threshold = options.Threshold ?? 0;
        if (threshold < 0)
        {
            error = $"the threshold {threshold} is negative";
            return false;
        }

        if (options.TrustRoot == AllTrustRoots)
        {
            if (trustRoots.IsDefaultOrEmpty)
            {
                error = "the validator has no trust roots";
                return false;
            }

            if (required.IsEmpty)
            {
                requirement = new CosignRequirement { TrustRoots = trustRoots, Threshold = threshold > 0 ? threshold : trustRoots.Length };
            }
            else if (threshold > required.Length)
            {
                requirement = new CosignRequirement { TrustRoots = trustRoots, Threshold = threshold, Required = required };
            }
            else
            {
                requirement = new CosignRequirement
                {
                    TrustRoots = [.. trustRoots.Where(r => required.Contains(r.Name))],
                    Threshold = threshold > 0 ? threshold : null,
                    Required = required,
                };
            }

            error = null;
            return true;
        }

        var name = options.TrustRoot ?? DefaultTrustRoot;
        var root = Find(trustRoots, name);
        if (root is null)
        {
            error = $"trust root \"{name}\" is not defined for this validator";
            return false;
        }

        requirement = new CosignRequirement
        {
            TrustRoots = [.. trustRoots.Where(r => r.Name == name || required.Contains(r.Name)).DistinctBy(r => r.Name)],
            Required = required,
            Single = name,
        };
        error = null;
        return true;
    }

    /// <summary>Decides on an image from its verification report.</summary>
    public static ValidationOutcome Evaluate(CosignRequirement requirement, CosignImageReport report)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Refusal is not null)
        {
            return new ValidationOutcome.Denied(report.Refusal);
        }

        var signedAny = report.SignedTrustRoots.ToHashSet(StringComparer.Ordinal);
        var signed = requirement.TrustRoots.Select(r => r.Name).Where(signedAny.Contains).ToList();

        if (requirement.Single is { } single && !signed.Contains(single))
        {
            return new ValidationOutcome.Denied($"no signature by trust root \"{single}\"{Detail(report, single)}");
        }

        if (requirement.Threshold is { } threshold && signed.Count < threshold)
        {
            return new ValidationOutcome.Denied($"validation threshold not reached ({signed.Count}/{threshold}){(signed.Count == 0 ? FirstDetail(report, requirement) : string.Empty)}");
        }

        if (!requirement.Required.IsEmpty)
        {
            var missing = requirement.Required.Where(r => !signed.Contains(r)).ToList();
            if (missing.Count > 0)
            {
                return new ValidationOutcome.Denied(
                    $"{requirement.Required.Length - missing.Count} of {requirement.Required.Length} required signatures found (missing: {string.Join(", ", missing)})");
            }
        }

        return new ValidationOutcome.Trusted(report.Image, $"cosign signatures by {string.Join(", ", signed.Select(s => $"\"{s}\""))}");
    }

    private static string Detail(CosignImageReport report, string trustRoot)
    {
        if (report.SignatureCount == 0)
        {
            return " (the image has no signatures)";
        }

        var rejection = report.FirstRejection(trustRoot);
        return rejection is null ? string.Empty : $": {rejection}";
    }

    private static string FirstDetail(CosignImageReport report, CosignRequirement requirement)
    {
        if (report.SignatureCount == 0)
        {
            return " (the image has no signatures)";
        }

        foreach (var root in requirement.TrustRoots)
        {
            var rejection = report.FirstRejection(root.Name);
            if (rejection is not null)
            {
                return $": {rejection}";
            }
        }

        return string.Empty;
    }

    private static TrustRoot? Find(ImmutableArray<TrustRoot> trustRoots, string name)
    {
        return trustRoots.IsDefault ? null : trustRoots.FirstOrDefault(r => r.Name == name);
    }
}
