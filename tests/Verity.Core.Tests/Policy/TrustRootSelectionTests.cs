using System.Collections.Immutable;
using System.Security.Cryptography;
using Verity.Core.Policy;
using Verity.Core.Trust;

namespace Verity.Core.Tests.Policy;

/// <summary>Thresholds count distinct signers, not names (the shared trust-root selection of every validator type).</summary>
public sealed class TrustRootSelectionTests
{
    private static readonly HashSet<string> None = [];

    private static TrustRoot Key(string name, ECDsa key) => new PublicKeyTrustRoot(name, VerificationKey.FromAsymmetricAlgorithm(key));

    [Fact]
    public void Threshold_KeyDuplicationUnderTwoNames_CountsAsOneSigner()
    {
        using var alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var bob = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var roots = new[] { Key("alice", alice), Key("alias-of-alice", alice), Key("bob", bob) }.ToImmutableArray();

        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "*", Threshold = 2 }, out var selection, out _));
        var shortfall = selection!.FindShortfall(new HashSet<string> { "alice", "alias-of-alice" }, _ => string.Empty);

        Assert.Equal("validation threshold not reached (1/2)", shortfall);
        Assert.Null(selection.FindShortfall(new HashSet<string> { "alice", "bob" }, _ => string.Empty));
    }

    [Fact]
    public void Threshold_OneSignatureSatisfyingTwoDistinctRoots_CountsAsOneSigner()
    {
        // Overlapping certificate roots (a CA and its intermediate): one signature satisfies both.
        using var ca = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediate = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var roots = new[] { Key("ca", ca), Key("intermediate", intermediate), Key("other", other) }.ToImmutableArray();
        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "*", Threshold = 2 }, out var selection, out _));

        var one = new Dictionary<string, IReadOnlySet<string>> { ["ca"] = new HashSet<string> { "sig1" }, ["intermediate"] = new HashSet<string> { "sig1" } };
        var two = new Dictionary<string, IReadOnlySet<string>> { ["ca"] = new HashSet<string> { "sig1" }, ["intermediate"] = new HashSet<string> { "sig1", "sig2" } };

        Assert.Equal("validation threshold not reached (1/2)", selection!.FindShortfall(one, _ => string.Empty));
        Assert.Equal(2, selection.CountSigners(two));
        Assert.Null(selection.FindShortfall(two, _ => string.Empty));
    }

    [Fact]
    public void AllRootsWithoutThreshold_RequiresEveryDistinctSigner()
    {
        using var alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var roots = new[] { Key("alice", alice), Key("alias-of-alice", alice) }.ToImmutableArray();

        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "*" }, out var selection, out _));

        Assert.Equal(1, selection!.Threshold);
        Assert.Null(selection.FindShortfall(new HashSet<string> { "alice", "alias-of-alice" }, _ => string.Empty));
        Assert.StartsWith("validation threshold not reached (0/1)", selection.FindShortfall(None, _ => " (none)"), StringComparison.Ordinal);
    }

    [Fact]
    public void NamedRoot_ThatDidNotSign_IsNamed()
    {
        using var alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var roots = new[] { Key("alice", alice) }.ToImmutableArray();

        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "alice" }, out var selection, out _));

        Assert.Equal("no signature by trust root \"alice\": why", selection!.FindShortfall(None, r => $": {(r is null ? "none" : "why")}"));
        Assert.False(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions(), out _, out var error));
        Assert.Equal("trust root \"default\" is not defined for this validator", error);
    }
}
