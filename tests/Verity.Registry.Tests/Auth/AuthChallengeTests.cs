using Verity.Registry.Auth;

namespace Verity.Registry.Tests.Auth;

public sealed class AuthChallengeTests
{
    private static bool Parse(out AuthChallenge? challenge, out string? error, params string[] headers)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized);
        foreach (var header in headers)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        }

        return AuthChallenge.TryParse(response.Headers.WwwAuthenticate, out challenge, out error, out _);
    }

    [Fact]
    public void TryParse_DockerHubBearer_ReadsRealmAndService()
    {
        Assert.True(Parse(out var challenge, out _, "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\""));

        Assert.Equal(AuthScheme.Bearer, challenge!.Scheme);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm!.AbsoluteUri);
        Assert.Equal("registry.docker.io", challenge.Service);
    }

    [Fact]
    public void TryParse_BearerAndBasic_PrefersBearer()
    {
        Assert.True(Parse(out var challenge, out _, "Basic realm=\"x\"", "Bearer realm=\"https://a.example/token\""));

        Assert.Equal(AuthScheme.Bearer, challenge!.Scheme);
    }

    [Fact]
    public void TryParse_Basic_IsBasic()
    {
        Assert.True(Parse(out var challenge, out _, "Basic realm=\"Registry Realm\""));

        Assert.Equal(AuthScheme.Basic, challenge!.Scheme);
    }

    [Theory]
    [InlineData("Bearer service=\"s\"", "no realm")]
    [InlineData("Bearer realm=\"/token\"", "not an http(s) URL")]
    [InlineData("Bearer realm=\"ftp://a.example/token\"", "not an http(s) URL")]
    [InlineData("Bearer realm=\"https://user:pw@a.example/token\"", "not an http(s) URL")]
    [InlineData("Negotiate", "unsupported authentication (Negotiate)")]
    public void TryParse_BadChallenges_SayWhy(string header, string expected)
    {
        Assert.False(Parse(out _, out var error, header));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoChallenge_SaysSo()
    {
        Assert.False(Parse(out _, out var error));

        Assert.Contains("without a WWW-Authenticate challenge", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseParameters_QuotedCommasAndEscapes_AreKept()
    {
        var parameters = AuthChallenge.ParseParameters("realm=\"https://a/t\",scope=\"repository:a:pull,push\", error=insufficient_scope,x=\"q\\\"uote\"");

        Assert.Equal("repository:a:pull,push", parameters["scope"]);
        Assert.Equal("insufficient_scope", parameters["error"]);
        Assert.Equal("q\"uote", parameters["x"]);
    }
}
