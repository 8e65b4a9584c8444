using Verity.Registry.Auth;

namespace Verity.Registry.Tests.Auth;

public sealed class CredentialKeyTests
{
    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io", "")]
    [InlineData("index.docker.io", "docker.io", "")]
    [InlineData("docker.io", "docker.io", "")]
    [InlineData("https://registry-1.docker.io/v2/", "docker.io", "")]
    [InlineData("registry.hub.docker.com", "docker.io", "")]
    [InlineData("registry:5000", "registry:5000", "")]
    [InlineData("http://Registry.Example:5000/", "registry.example:5000", "")]
    [InlineData("ghcr.io/acme", "ghcr.io", "acme")]
    [InlineData("https://ghcr.io/acme/team/", "ghcr.io", "acme/team")]
    [InlineData("docker.io/library", "docker.io", "library")]
    [InlineData("  quay.io  ", "quay.io", "")]
    public void TryParse_KeyForms_Normalise(string text, string host, string path)
    {
        Assert.True(CredentialKey.TryParse(text, out var key));
        Assert.Equal(host, key.Host);
        Assert.Equal(path, key.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("https://")]
    [InlineData("user@registry.io")]
    [InlineData("registry.io?x")]
    public void TryParse_NoUsableHost_Fails(string text)
    {
        Assert.False(CredentialKey.TryParse(text, out _));
    }

    [Theory]
    [InlineData("registry.io", "registry.io", "app", true)]
    [InlineData("registry.io", "registry.iox", "app", false)]
    [InlineData("registry.io", "sub.registry.io", "app", false)]
    [InlineData("registry.io:5000", "registry.io", "app", false)]
    [InlineData("registry.io", "registry.io:5000", "app", false)]
    [InlineData("ghcr.io/acme", "ghcr.io", "acme/app", true)]
    [InlineData("ghcr.io/acme", "ghcr.io", "acme", true)]
    [InlineData("ghcr.io/acme", "ghcr.io", "acmecorp/app", false)]
    [InlineData("ghcr.io/acme/app", "ghcr.io", "acme", false)]
    [InlineData("https://index.docker.io/v1/", "docker.io", "library/nginx", true)]
    [InlineData("docker.io", "docker.io", "library/nginx", true)]
    public void Matches_ChecksHostAndPathBoundary(string key, string registry, string repository, bool expected)
    {
        Assert.True(CredentialKey.TryParse(key, out var parsed));
        Assert.Equal(expected, parsed.Matches(CredentialKey.NormaliseHost(registry), repository));
    }
}
