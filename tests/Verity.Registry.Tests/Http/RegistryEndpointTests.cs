using Verity.Registry.Http;

namespace Verity.Registry.Tests.Http;

public sealed class RegistryEndpointTests
{
    [Theory]
    [InlineData("docker.io", "https://registry-1.docker.io/")]
    [InlineData("ghcr.io", "https://ghcr.io/")]
    [InlineData("registry.example:5000", "https://registry.example:5000/")]
    [InlineData("127.0.0.1:15000", "https://127.0.0.1:15000/")]
    [InlineData("insecure.example:5000", "http://insecure.example:5000/")]
    [InlineData("localhost", "http://localhost/")]
    public void For_MapsRegistryToApiBase(string registry, string expected)
    {
        var insecure = new InsecureHosts(["insecure.example:5000", "http://localhost"]);

        Assert.Equal(expected, RegistryEndpoint.For(registry, insecure).BaseUri.AbsoluteUri);
    }

    [Fact]
    public void InsecureHosts_AllowsPlainHttpOnlyForListedAuthorities()
    {
        var insecure = new InsecureHosts(["registry.local:5000", "plain.example"]);

        Assert.True(insecure.IsAllowed(new Uri("https://anything.example/x")));
        Assert.True(insecure.IsAllowed(new Uri("http://registry.local:5000/x")));
        Assert.True(insecure.IsAllowed(new Uri("http://plain.example/x")));
        Assert.True(insecure.IsAllowed(new Uri("http://plain.example:80/x")));
        Assert.False(insecure.IsAllowed(new Uri("http://registry.local:5001/x")));
        Assert.False(insecure.IsAllowed(new Uri("http://registry.local/x")));
        Assert.False(insecure.IsAllowed(new Uri("ftp://plain.example/x")));
    }
}
