using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Verity.Core.Policy;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Cosign.Policy;

/// <summary>
/// The cosign side of trust-root selection: which roots a rule evaluates (<see cref="TrustRootSelection"/>, shared by
/// every validator type) and the denial reasons, with the reason each signature of a missing root was rejected.
/// </summary>
internal static class CosignPolicy
{
    /// <summary>Works out which trust roots a rule evaluates and what it requires of them.</summary>
    public static bool TrySelect(
        ImmutableArray<TrustRoot> trustRoots,
        TrustRootRuleOptions options,
        [NotNullWhen(true)] out TrustRootSelection? requirement,
        [NotNullWhen(false)] out string? error) => TrustRootSelection.TrySelect(trustRoots, options, out requirement, out error);

    /// <summary>Decides on an image from its verification report.</summary>
    public static ValidationOutcome Evaluate(TrustRootSelection requirement, CosignImageReport report)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Refusal is not null)
        {
            return new ValidationOutcome.Denied(report.Refusal);
        }

        var signedAny = report.SignedTrustRoots.ToHashSet(StringComparer.Ordinal);
        var shortfall = requirement.FindShortfall(signedAny, root => root is null ? FirstDetail(report, requirement) : Detail(report, root));
        if (shortfall is not null)
        {
            return new ValidationOutcome.Denied(shortfall);
        }

        var signed = requirement.SignedRoots(signedAny);
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

    private static string FirstDetail(CosignImageReport report, TrustRootSelection requirement)
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
}
