using Verity.Core.Policy;

namespace Verity.Core.Tests.Policy;

public sealed class GlobTests
{
    [Theory]
    [InlineData("star-crosses-slash", "docker.io/*", "docker.io/a/b/c", true)]
    [InlineData("star-matches-empty", "app*", "app", true)]
    [InlineData("anchored-start", "docker.io/*", "evil.example/docker.io/x", false)]
    [InlineData("anchored-end", "docker.io/app", "docker.io/app2", false)]
    [InlineData("question-one-char", "app?", "app1", true)]
    [InlineData("question-not-two", "app?", "app12", false)]
    [InlineData("class", "v[0-9]", "v7", true)]
    [InlineData("class-miss", "v[0-9]", "vx", false)]
    [InlineData("negated-class-bang", "v[!0-9]", "vx", true)]
    [InlineData("negated-class-caret", "v[^0-9]", "v1", false)]
    [InlineData("alternatives", "{alpha,beta}-*", "beta-1", true)]
    [InlineData("alternatives-miss", "{alpha,beta}-*", "gamma-1", false)]
    [InlineData("nested-glob-in-alternative", "{a*,b}", "axyz", true)]
    [InlineData("escaped-star", "a\\*b", "a*b", true)]
    [InlineData("escaped-star-literal", "a\\*b", "axb", false)]
    [InlineData("regex-meta-literal", "a.b+c", "a.b+c", true)]
    [InlineData("regex-meta-not-regex", "a.b", "axb", false)]
    [InlineData("dollar-literal", "a$", "a$", true)]
    public void IsMatch(string id, string pattern, string value, bool expected)
    {
        Assert.True(Glob.TryCreate(pattern, out var glob, out var error), $"{id}: {error}");
        Assert.Equal(expected, glob.IsMatch(value));
    }

    [Theory]
    [InlineData("unclosed-class", "v[0-9", "unclosed \"[\"")]
    [InlineData("empty-class", "v[]", "empty character class")]
    [InlineData("reversed-range", "[z-a]", "reversed range")]
    [InlineData("unclosed-brace", "{a,b", "unclosed \"{\"")]
    [InlineData("stray-close-brace", "a}", "without a matching")]
    [InlineData("stray-close-bracket", "a]", "without a matching")]
    [InlineData("trailing-escape", "a\\", "unfinished escape")]
    public void TryCreate_Invalid_SaysWhy(string id, string pattern, string reason)
    {
        Assert.False(Glob.TryCreate(pattern, out _, out var error), id);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void IsMatch_LongHostileInput_IsLinear()
    {
        // A classic backtracking bomb for naive glob matchers: many stars against a long non-matching string.
        Assert.True(Glob.TryCreate("*a*a*a*a*a*a*a*a*a*a*a*b", out var glob, out _));
        Assert.False(glob.IsMatch(new string('a', 100_000)));
    }
}
