using Verity.Core.Images;
using Verity.Core.Policy;

namespace Verity.Core.Tests.Policy;

public sealed class PolicyPatternTests
{
    private const string D = "sha256:83edc2b8e9ffb1781a67bdab260a94674f802881838e20bba0f9a69d8cb40d70";

    [Theory]
    [InlineData("catch-all", "*:*", "*:*")]
    [InlineData("star", "*", "*")]
    [InlineData("hub-namespace", "securesystemsengineering/*:co*", "docker.io/securesystemsengineering/*:co*")]
    [InlineData("official-short", "test-image", "docker.io/library/test-image")]
    [InlineData("official-glob", "nginx*", "docker.io/library/nginx*")]
    [InlineData("docker-io-all", "docker.io/*:*", "docker.io/*:*")]
    [InlineData("docker-io-official-fixed-1517", "docker.io/test:*", "docker.io/library/test:*")]
    [InlineData("index-docker-io", "index.docker.io/acme/*", "docker.io/acme/*")]
    [InlineData("registry", "registry.k8s.io/*:*", "registry.k8s.io/*:*")]
    [InlineData("registry-port", "my.reg:5000/app", "my.reg:5000/app")]
    [InlineData("localhost", "localhost/app", "localhost/app")]
    [InlineData("glob-first-component-literal", "*/sam*/*", "*/sam*/*")]
    [InlineData("glob-registry-literal", "docker.i*/s*", "docker.i*/s*")]
    [InlineData("digest", "docker.io/library/redis@" + D, "docker.io/library/redis@" + D)]
    public void TryParse_Normalises(string id, string pattern, string normalized)
    {
        Assert.True(PolicyPattern.TryParse(pattern, out var parsed, out var error), $"{id}: {error}");
        Assert.Equal(normalized, parsed.Normalized);
        Assert.Equal(pattern, parsed.Original);
    }

    [Theory]
    [InlineData("catch-all-tag", "*:*", "nginx:1", true)]
    [InlineData("catch-all-digest-only", "*:*", "nginx@" + D, true)]
    [InlineData("hub-all", "docker.io/*:*", "acme/app:1", true)]
    [InlineData("hub-all-not-other-registry", "docker.io/*:*", "quay.io/acme/app:1", false)]
    [InlineData("anchored-no-prefix-bypass", "docker.io/acme/*", "evil.example/docker.io/acme/x:1", false)]
    [InlineData("anchored-no-lookalike-registry", "docker.io/acme/*", "notdocker.io/acme/x:1", false)]
    [InlineData("anchored-tag-not-prefix", "docker.io/acme/app:1.2", "docker.io/acme/app:1.20", false)]
    [InlineData("index-docker-io-same-registry", "index.docker.io/acme/*", "docker.io/acme/app:1", true)]
    [InlineData("docker-io-pattern-index-image", "docker.io/acme/*", "index.docker.io/acme/app:1", true)]
    [InlineData("no-tag-part-any-tag", "docker.io/securesystemsengineering/sample", "docker.io/securesystemsengineering/sample:v2", true)]
    [InlineData("no-tag-part-digest-only", "docker.io/securesystemsengineering/sample", "docker.io/securesystemsengineering/sample@" + D, true)]
    [InlineData("tag-part-needs-tag", "docker.io/securesystemsengineering/sample:v1", "docker.io/securesystemsengineering/sample@" + D, false)]
    [InlineData("tag-part-with-tag-and-digest", "acme/app:v1", "acme/app:v1@" + D, true)]
    [InlineData("official-short", "test-image", "test-image", true)]
    [InlineData("official-short-not-user-repo", "test-image", "someone/test-image", false)]
    [InlineData("hub-namespace-tag-glob", "securesystemsengineering/*:co*", "securesystemsengineering/testimage:co-signed", true)]
    [InlineData("hub-namespace-tag-glob-miss", "securesystemsengineering/*:co*", "securesystemsengineering/testimage:signed", false)]
    [InlineData("fixed-1517", "docker.io/test:*", "docker.io/test:tag", true)]
    [InlineData("digest-pattern", "docker.io/library/redis@" + D, "redis@" + D, true)]
    [InlineData("digest-pattern-other-digest", "docker.io/library/redis@" + D, "redis@sha256:0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("digest-pattern-tag-only", "docker.io/library/redis@" + D, "redis:7", false)]
    [InlineData("registry-port", "127.0.0.1:15000/test/*", "127.0.0.1:15000/test/app:signed", true)]
    [InlineData("registry-port-other-port", "127.0.0.1:15000/test/*", "127.0.0.1:15001/test/app:signed", false)]
    public void IsMatch(string id, string pattern, string image, bool expected)
    {
        Assert.True(PolicyPattern.TryParse(pattern, out var parsed, out var error), $"{id}: {error}");
        Assert.Equal(expected, parsed.IsMatch(ImageReference.Parse(image)));
    }

    [Theory]
    [InlineData("empty", "", "empty")]
    [InlineData("space", "docker.io/ app", "white space")]
    [InlineData("unclosed-class", "docker.io/app[", "not a valid glob")]
    [InlineData("empty-tag", "docker.io/app:", "empty tag")]
    [InlineData("empty-digest", "docker.io/app@", "empty digest")]
    [InlineData("no-name", ":tag", "no name")]
    public void TryParse_Invalid_SaysWhy(string id, string pattern, string reason)
    {
        Assert.False(PolicyPattern.TryParse(pattern, out _, out var error), id);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
