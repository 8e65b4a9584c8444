using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Core.Policy;

namespace Verity.Core.Tests.Policy;

public sealed class ImagePolicyTests
{
    private const string Image = "docker.io/securesystemsengineering/sample:v1";

    private static PolicyPattern P(string pattern)
    {
        Assert.True(PolicyPattern.TryParse(pattern, out var parsed, out var error), error);
        return parsed;
    }

    private static ImagePolicy Policy(params string[] patterns) =>
        new([.. patterns.Select((p, i) => new PolicyRule { Pattern = P(p), Validator = "v" + i, Index = i })]);

    // Connaisseur's internal/policy/match_test.go TestCompare: the second pattern is the more specific.
    [Theory]
    [InlineData("more-components-win", "*:*", "*/*")]
    [InlineData("more-components-win-2", "docker*/*", "*/*/*")]
    [InlineData("longer-component-wins", "*", "*:*")]
    [InlineData("longer-component-wins-2", "*/*", "docker*/*")]
    [InlineData("left-most-prefix-wins", "*/*/image:v1", "*/sam*/*")]
    [InlineData("prefix-before-length", "docker.i*/s*", "docker.io/*")]
    [InlineData("tag-is-no-component", "*:test", "*/*")]
    [InlineData("length-in-tag-counts", "securesystemsengineering/sample:*", "securesystemsengineering/sample:v*")]
    public void Compare_SecondIsMoreSpecific(string id, string less, string more)
    {
        Assert.True(ImagePolicy.Compare(P(more), P(less), Image) > 0, id);
        Assert.True(ImagePolicy.Compare(P(less), P(more), Image) < 0, id);
    }

    [Fact]
    public void Compare_EqualPatterns_Tie()
    {
        Assert.Equal(0, ImagePolicy.Compare(P("*"), P("*"), Image));
    }

    [Fact]
    public void FindRule_FullTie_LaterRuleWins()
    {
        var policy = Policy("docker.io/*", "docker.io/*");
        Assert.Equal("v1", policy.FindRule(ImageReference.Parse("acme/app"))!.Validator);
    }

    [Fact]
    public void FindRule_NoMatch_ReturnsNull()
    {
        var policy = Policy("registry.k8s.io/*");
        Assert.Null(policy.FindRule(ImageReference.Parse("nginx")));
    }

    // Connaisseur's internal/config/config_test.go TestMatchingRule over 00_sample.yaml's patterns,
    // including the case its TODO #1517 leaves broken.
    [Theory]
    [InlineData("image:tag", "docker.io/*:*")]
    [InlineData("registry.io/image:tag", "*:*")]
    [InlineData("registry.k8s.io/image", "registry.k8s.io/*:*")]
    [InlineData("image", "docker.io/*:*")]
    [InlineData("docker.io/securesystemsengineering/sample:v1", "docker.io/securesystemsengineering/sample:v1")]
    [InlineData("docker.io/securesystemsengineering/sample:v2", "docker.io/securesystemsengineering/sample")]
    [InlineData("my.registry/test:tag", "my.registry/test")]
    [InlineData("my.registry/abc:tag", "my.registry/*")]
    [InlineData("docker.io/test:tag", "docker.io/test:*")]
    [InlineData("securesystemsengineering/testimage:co-signed", "securesystemsengineering/*:co*")]
    [InlineData("deny-me", "docker.io/library/deny-me")]
    public void FindRule_SamplePolicy_PicksMostSpecific(string image, string expected)
    {
        var policy = Policy(
            "*:*",
            "securesystemsengineering/*:co*",
            "docker.io/*:*",
            "registry.k8s.io/*:*",
            "docker.io/securesystemsengineering/sample",
            "docker.io/securesystemsengineering/sample:v1",
            "docker.io/library/allow-me",
            "docker.io/library/deny-me",
            "my.registry/*",
            "my.registry/test",
            "docker.io/test:*");
        Assert.Equal(expected, policy.FindRule(ImageReference.Parse(image))!.Pattern.Original);
    }

    [Fact]
    public void FindRule_LookalikeImage_DoesNotGetHubRule()
    {
        var policy = Policy("*:*", "docker.io/acme/*");
        Assert.Equal("*:*", policy.FindRule(ImageReference.Parse("evil.example/docker.io/acme/x:1"))!.Pattern.Original);
    }

    [Fact]
    public void Rules_KeepConfigurationOrder()
    {
        var policy = Policy("a", "b", "c");
        Assert.Equal(ImmutableArray.Create(0, 1, 2), policy.Rules.Select(r => r.Index).ToImmutableArray());
    }
}
