using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign;
using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign.Policy;
using Verity.Validators.Cosign.TrustedRoot;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Tests.Cosign;

/// <summary>Runs the whole cosign path the validator will run: select roots, verify evidence, evaluate policy.</summary>
internal static class CosignRun
{
    public static ValidationOutcome Validate(
        ImmutableArray<TrustRoot> trustRoots,
        CosignRuleOptions rule,
        Digest image,
        CosignEvidence evidence,
        TrustedMaterial? material = null,
        DateTimeOffset? now = null,
        CosignLimits? limits = null)
    {
        Assert.True(CosignPolicy.TrySelect(trustRoots, rule, out var requirement, out var error), error);
        var verifier = new CosignImageVerifier(material ?? TrustedMaterial.PublicGood, new FakeTimeProvider(now ?? DateTimeOffset.UtcNow), limits);
        var report = verifier.Verify(image, evidence, requirement.TrustRoots, new CosignVerificationOptions { RequireTransparencyLog = rule.VerifyInTransparencyLog, VerifySct = rule.VerifySct, PredicateTypes = rule.PredicateTypes });
        return CosignPolicy.Evaluate(requirement, report);
    }

    public static Digest AssertTrusted(ValidationOutcome outcome)
    {
        if (outcome is ValidationOutcome.Denied denied)
        {
            Assert.Fail($"expected trusted, but denied: {denied.Reason}");
        }

        var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome, exactMatch: false);
        Assert.NotNull(trusted.Digest);
        return trusted.Digest.Value;
    }

    public static string AssertDenied(ValidationOutcome outcome)
    {
        return Assert.IsType<ValidationOutcome.Denied>(outcome, exactMatch: false).Reason;
    }
}
