using Verity.Validators.Cosign;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.Cosign.Policy;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Tests.Cosign.Policy;

/// <summary>Connaisseur's threshold and required semantics (reference §5.3), counting distinct trust roots.</summary>
public sealed class CosignPolicyTests
{
    private static readonly Digest Image = Digest.Compute("image"u8);

    private static readonly ImmutableArray<TrustRoot> Roots = [Root("alice"), Root("bob"), Root("charlie")];

    [Fact]
    public void Select_AllRootsWithoutThreshold_EveryRootMustSign()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "*" });

        Assert.Equal(3, requirement.TrustRoots.Length);
        Assert.Equal(3, requirement.Threshold);
        Assert.Equal("validation threshold not reached (2/3)", Denied(requirement, "alice", "bob"));
    }

    [Fact]
    public void Evaluate_OneRootSigningTwice_CountsOnce()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "*", Threshold = 2 });

        Assert.Equal("validation threshold not reached (1/2)", Denied(requirement, "alice", "alice"));
    }

    [Fact]
    public void Evaluate_ThresholdReached_TrustedWithImageDigest()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "*", Threshold = 2 });

        var outcome = CosignPolicy.Evaluate(requirement, Report("charlie", "alice"));

        var trusted = Assert.IsType<ValidationOutcome.Trusted>(outcome);
        Assert.Equal(Image, trusted.Digest);
        Assert.Equal("cosign signatures by \"alice\", \"charlie\"", trusted.Detail);
    }

    [Fact]
    public void Select_RequiredWithoutHigherThreshold_EvaluatesOnlyRequiredRoots()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "*", Required = ["alice", "charlie"] });

        Assert.Equal(["alice", "charlie"], requirement.TrustRoots.Select(r => r.Name));
        Assert.Null(requirement.Threshold);
        Assert.Equal("1 of 2 required signatures found (missing: alice)", Denied(requirement, "charlie", "bob"));
    }

    [Fact]
    public void Select_ThresholdAboveRequired_EvaluatesAllRoots()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "*", Required = ["alice"], Threshold = 2 });

        Assert.Equal(3, requirement.TrustRoots.Length);
        Assert.Equal("0 of 1 required signatures found (missing: alice)", Denied(requirement, "bob", "charlie"));
        Assert.Equal("validation threshold not reached (1/2)", Denied(requirement, "alice"));
    }

    [Fact]
    public void Evaluate_MissingRequiredRoots_NamesThemInOrder()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "*", Required = ["alice", "bob", "charlie"] });

        Assert.Equal("1 of 3 required signatures found (missing: bob, charlie)", Denied(requirement, "alice"));
    }

    [Fact]
    public void Select_NamedRoot_DefaultsToDefault()
    {
        Assert.False(CosignPolicy.TrySelect(Roots, new CosignRuleOptions(), out _, out var error));
        Assert.Equal("trust root \"default\" is not defined for this validator", error);

        var requirement = Select(new CosignRuleOptions(), [Root("default"), Root("bob")]);
        Assert.Equal("default", Assert.Single(requirement.TrustRoots).Name);
    }

    [Fact]
    public void Evaluate_NamedRootUnsigned_DeniedNamingIt()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "alice" });

        Assert.Equal("no signature by trust root \"alice\"", Denied(requirement, "bob"));
    }

    [Fact]
    public void Select_NamedRootWithRequired_EvaluatesBoth()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "alice", Required = ["bob"] });

        Assert.Equal(["alice", "bob"], requirement.TrustRoots.Select(r => r.Name));
        Assert.Equal("0 of 1 required signatures found (missing: bob)", Denied(requirement, "alice"));
        Assert.IsType<ValidationOutcome.Trusted>(CosignPolicy.Evaluate(requirement, Report("alice", "bob")));
    }

    [Theory]
    [InlineData("mallory", null, "trust root \"mallory\" is not defined for this validator")]
    [InlineData("*", "mallory", "required trust root \"mallory\" is not defined for this validator")]
    public void Select_UnknownRoot_IsADenialReason(string trustRoot, string? required, string expected)
    {
        var options = new CosignRuleOptions { TrustRoot = trustRoot, Required = required is null ? [] : [required] };

        Assert.False(CosignPolicy.TrySelect(Roots, options, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Evaluate_SignatureOfRootNotEvaluated_DoesNotCount()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "alice" });

        Assert.Equal("no signature by trust root \"alice\"", Denied(requirement, "bob", "charlie"));
    }

    [Fact]
    public void Evaluate_RejectionsExplainTheDenial()
    {
        var requirement = Select(new CosignRuleOptions { TrustRoot = "alice" });
        var report = new CosignImageReport
        {
            Image = Image,
            SignatureCount = 1,
            Verdicts = [new RejectedSignature("alice", "signature layer 1", "the signature does not verify with the key of trust root \"alice\"")],
        };

        var denied = Assert.IsType<ValidationOutcome.Denied>(CosignPolicy.Evaluate(requirement, report));

        Assert.Equal("no signature by trust root \"alice\": signature layer 1: the signature does not verify with the key of trust root \"alice\"", denied.Reason);
    }

    private static PublicKeyTrustRoot Root(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new PublicKeyTrustRoot(name, VerificationKey.FromAsymmetricAlgorithm(key));
    }

    private static TrustRootSelection Select(CosignRuleOptions options, ImmutableArray<TrustRoot>? roots = null)
    {
        Assert.True(CosignPolicy.TrySelect(roots ?? Roots, options, out var requirement, out var error), error);
        return requirement;
    }

    private static CosignImageReport Report(params string[] signedBy) => new()
    {
        Image = Image,
        SignatureCount = signedBy.Length,
        Verdicts = [.. signedBy.Select((root, i) => (SignatureVerdict)new VerifiedSignature(root, $"signature layer {i + 1}", Image, "key"))],
    };

    private static string Denied(TrustRootSelection requirement, params string[] signedBy)
    {
        return Assert.IsType<ValidationOutcome.Denied>(CosignPolicy.Evaluate(requirement, Report(signedBy))).Reason;
    }
}
