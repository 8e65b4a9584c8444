using Verity.Core.Images;

namespace Verity.Core.Tests.Images;

public sealed class DigestTests
{
    private const string Hex = "83edc2b8e9ffb1781a67bdab260a94674f802881838e20bba0f9a69d8cb40d70";

    [Fact]
    public void Parse_Sha256_SplitsAlgorithmAndHex()
    {
        var digest = Digest.Parse("sha256:" + Hex);
        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(Hex, digest.Hex);
        Assert.Equal("sha256:" + Hex, digest.ToString());
    }

    [Theory]
    [InlineData("sha256:123", "must have 64 hex characters")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm")]
    [InlineData("sha256:83EDC2B8E9FFB1781A67BDAB260A94674F802881838E20BBA0F9A69D8CB40D70", "lower-case hex")]
    [InlineData("83edc2b8e9ffb1781a67bdab260a94674f802881838e20bba0f9a69d8cb40d70", "no algorithm")]
    [InlineData("", "empty")]
    public void TryParse_Invalid_SaysWhy(string text, string reason)
    {
        Assert.False(Digest.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_MatchesContent()
    {
        var content = "hello"u8.ToArray();
        var digest = Digest.Compute(content);
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", digest.Value);
        Assert.True(digest.Matches(content));
        Assert.False(digest.Matches("hellO"u8));
    }

    [Fact]
    public void Matches_Sha512_UsesItsOwnAlgorithm()
    {
        var content = "abc"u8.ToArray();
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(content));
        Assert.True(Digest.Parse("sha512:" + hex).Matches(content));
    }
}
