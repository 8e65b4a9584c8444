using Verity.Core.Images;

namespace Verity.Core.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string D = "sha256:83edc2b8e9ffb1781a67bdab260a94674f802881838e20bba0f9a69d8cb40d70";

    // case id, input, registry, repository, tag, digest, canonical
    [Theory]
    [InlineData("official-image", "nginx", "docker.io", "library/nginx", "latest", null, "docker.io/library/nginx:latest")]
    [InlineData("official-image-with-tag", "nginx:1.27", "docker.io", "library/nginx", "1.27", null, "docker.io/library/nginx:1.27")]
    [InlineData("hub-user-repo", "acme/app:1.2", "docker.io", "acme/app", "1.2", null, "docker.io/acme/app:1.2")]
    [InlineData("hub-nested-path", "path/to/repo/image:tag", "docker.io", "path/to/repo/image", "tag", null, "docker.io/path/to/repo/image:tag")]
    [InlineData("explicit-docker-io", "docker.io/nginx", "docker.io", "library/nginx", "latest", null, "docker.io/library/nginx:latest")]
    [InlineData("explicit-docker-io-library", "docker.io/library/nginx:1", "docker.io", "library/nginx", "1", null, "docker.io/library/nginx:1")]
    [InlineData("legacy-index-docker-io", "index.docker.io/acme/app:1", "docker.io", "acme/app", "1", null, "docker.io/acme/app:1")]
    [InlineData("legacy-index-docker-io-official", "index.docker.io/redis", "docker.io", "library/redis", "latest", null, "docker.io/library/redis:latest")]
    [InlineData("registry-with-dot", "registry.io/path/to/repo/image:tag", "registry.io", "path/to/repo/image", "tag", null, "registry.io/path/to/repo/image:tag")]
    [InlineData("registry-with-port", "registry.io:8080/path/image:tag", "registry.io:8080", "path/image", "tag", null, "registry.io:8080/path/image:tag")]
    [InlineData("localhost-with-port", "localhost:5000/test-image:latest", "localhost:5000", "test-image", "latest", null, "localhost:5000/test-image:latest")]
    [InlineData("localhost-without-port-is-registry", "localhost/test-image", "localhost", "test-image", "latest", null, "localhost/test-image:latest")]
    [InlineData("ip-with-port", "127.0.0.1:15000/test/app:signed", "127.0.0.1:15000", "test/app", "signed", null, "127.0.0.1:15000/test/app:signed")]
    [InlineData("ipv6-registry", "[::1]:5000/app:1", "[::1]:5000", "app", "1", null, "[::1]:5000/app:1")]
    [InlineData("single-label-registry-with-port", "myregistry:5000/app", "myregistry:5000", "app", "latest", null, "myregistry:5000/app:latest")]
    [InlineData("uppercase-first-component-is-registry", "MyRegistry/app:1", "MyRegistry", "app", "1", null, "MyRegistry/app:1")]
    [InlineData("digest-only", "test-image@" + D, "docker.io", "library/test-image", null, D, "docker.io/library/test-image@" + D)]
    [InlineData("tag-and-digest", "test-image:tag@" + D, "docker.io", "library/test-image", "tag", D, "docker.io/library/test-image:tag@" + D)]
    [InlineData("registry-digest-only", "ghcr.io/acme/app@" + D, "ghcr.io", "acme/app", null, D, "ghcr.io/acme/app@" + D)]
    [InlineData("registry-port-tag-digest", "reg:5000/a/b:v1@" + D, "reg:5000", "a/b", "v1", D, "reg:5000/a/b:v1@" + D)]
    [InlineData("separators-in-path", "quay.io/some_org/my-app.name__x:1", "quay.io", "some_org/my-app.name__x", "1", null, "quay.io/some_org/my-app.name__x:1")]
    [InlineData("repeated-dashes", "a---b/c", "docker.io", "a---b/c", "latest", null, "docker.io/a---b/c:latest")]
    [InlineData("tag-with-dots-dashes-underscores", "app:v1.2.3-rc_1", "docker.io", "library/app", "v1.2.3-rc_1", null, "docker.io/library/app:v1.2.3-rc_1")]
    [InlineData("tag-uppercase-allowed", "app:V1", "docker.io", "library/app", "V1", null, "docker.io/library/app:V1")]
    [InlineData("tag-128-chars", "app:a1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567", "docker.io", "library/app", "a1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567", null, "docker.io/library/app:a1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567")]
    [InlineData("numeric-repo", "123/456", "docker.io", "123/456", "latest", null, "docker.io/123/456:latest")]
    [InlineData("registry-k8s", "registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", "3.9", null, "registry.k8s.io/pause:3.9")]
    [InlineData("deep-registry-path", "gcr.io/a/b/c/d/e:f", "gcr.io", "a/b/c/d/e", "f", null, "gcr.io/a/b/c/d/e:f")]
    [InlineData("port-only-registry-number", "host:1/x", "host:1", "x", "latest", null, "host:1/x:latest")]
    [InlineData("hub-lookalike-registry", "docker.io.evil.example/library/nginx", "docker.io.evil.example", "library/nginx", "latest", null, "docker.io.evil.example/library/nginx:latest")]
    public void Parse_Valid_Normalises(string id, string input, string registry, string repository, string? tag, string? digest, string canonical)
    {
        Assert.True(ImageReference.TryParse(input, out var image, out var error), $"{id}: {error}");
        Assert.Equal(registry, image.Registry);
        Assert.Equal(repository, image.Repository);
        Assert.Equal(tag, image.Tag);
        Assert.Equal(digest, image.Digest?.Value);
        Assert.Equal(canonical, image.Canonical);
        Assert.Equal(canonical, image.ToString());
        Assert.Equal(input, image.Original);
        Assert.Equal(registry + "/" + repository, image.Name);
    }

    // case id, input, a phrase the error must contain
    [Theory]
    [InlineData("empty", "", "empty")]
    [InlineData("comma", "invalid,image", "grammar")]
    [InlineData("quote", "asd\"fgh", "grammar")]
    [InlineData("short-digest", "app@sha256:123", "64 hex characters")]
    [InlineData("uppercase-repo", "Docker.io/Nginx", "lower case")]
    [InlineData("uppercase-hub-repo", "acme/App", "lower case")]
    [InlineData("uppercase-digest-hex", "app@sha256:83EDC2B8E9FFB1781A67BDAB260A94674F802881838E20BBA0F9A69D8CB40D70", "lower-case hex")]
    [InlineData("unknown-digest-algorithm", "app@md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm")]
    [InlineData("trailing-colon", "app:", "tag after \":\" is empty")]
    [InlineData("tag-too-long", "app:a12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678", "longer than 128")]
    [InlineData("leading-dot-tag", "app:.bad", "grammar")]
    [InlineData("white-space", "nginx :1", "white space")]
    [InlineData("trailing-newline", "nginx\n", "white space")]
    [InlineData("double-slash", "registry.io//app", "grammar")]
    [InlineData("trailing-slash", "registry.io/app/", "grammar")]
    [InlineData("leading-separator", "_app", "grammar")]
    [InlineData("image-id", "83edc2b8e9ffb1781a67bdab260a94674f802881838e20bba0f9a69d8cb40d70", "image ID")]
    [InlineData("double-at", "app@" + D + "@" + D, "")]
    [InlineData("only-registry", "registry.io:5000/", "grammar")]
    [InlineData("name-too-long", "registry.io/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "longer than 255")]
    [InlineData("unicode", "nginx\u00e9", "grammar")]
    public void Parse_Invalid_RejectsWithReason(string id, string input, string reason)
    {
        Assert.False(ImageReference.TryParse(input, out var image, out var error), id);
        Assert.Null(image);
        Assert.StartsWith("invalid image reference", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ImageReference.Parse(input));
    }

    [Fact]
    public void PinnedTo_DropsTagAndAddsDigest()
    {
        var image = ImageReference.Parse("acme/app:1.2");
        var pinned = image.PinnedTo(Digest.Parse(D));
        Assert.Equal("docker.io/acme/app@" + D, pinned.Canonical);
        Assert.Null(pinned.Tag);
    }

    [Fact]
    public void WithDigest_KeepsTag()
    {
        var image = ImageReference.Parse("acme/app:1.2");
        Assert.Equal("docker.io/acme/app:1.2@" + D, image.WithDigest(Digest.Parse(D)).Canonical);
    }

    [Fact]
    public void Equality_UsesCanonicalForm()
    {
        Assert.Equal(ImageReference.Parse("nginx"), ImageReference.Parse("index.docker.io/library/nginx:latest"));
        Assert.NotEqual(ImageReference.Parse("nginx:1"), ImageReference.Parse("nginx:2"));
    }
}
