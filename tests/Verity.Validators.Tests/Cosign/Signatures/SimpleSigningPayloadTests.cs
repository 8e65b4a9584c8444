using System.Text;
using Verity.Validators.Cosign.Signatures;

namespace Verity.Validators.Tests.Cosign.Signatures;

public sealed class SimpleSigningPayloadTests
{
    private const string Digest = "sha256:071bf7a986f1ca9cb2a1f0bc8392822a7777f90d58f2d2c6f271913e08de7c81";

    [Fact]
    public void TryParse_CosignPayload_ReturnsDigestAndReference()
    {
        var json = $$$"""{"critical":{"identity":{"docker-reference":"index.docker.io/acme/app"},"image":{"docker-manifest-digest":"{{{Digest}}}"},"type":"cosign container image signature"},"optional":{"creator":"x"}}""";

        Assert.True(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error), error);
        Assert.Equal(Digest, payload.ImageDigest.ToString());
        Assert.Equal("index.docker.io/acme/app", payload.DockerReference);
    }

    [Theory]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"D"},"type":"atomic container signature"}}""", "not \"cosign container image signature\"")]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature","extra":1}}""", "unknown field \"extra\"")]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"D","tag":"x"},"type":"cosign container image signature"}}""", "unknown field \"tag\"")]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:ABC"},"type":"cosign container image signature"}}""", "docker-manifest-digest")]
    [InlineData("""{"critical":{"identity":{},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"}}""", "docker-reference is missing")]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":"x"}""", "optional must be an object or null")]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"other":{}}""", "unknown field \"other\"")]
    [InlineData("""{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature","type":"cosign container image signature"}}""", "Duplicate")]
    [InlineData("""{"critical":null}""", "critical is missing")]
    [InlineData("not json", "not valid JSON")]
    public void TryParse_NotStrictlyACosignPayload_IsRefused(string json, string expected)
    {
        Assert.False(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json.Replace("\"D\"", $"\"{Digest}\"", StringComparison.Ordinal)), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    // Text that is not Unicode made JsonElement.GetString throw InvalidOperationException out of TryParse (found by fuzzing, docs/fuzzing.md).
    [Fact]
    public void TryParse_InvalidUtf8MemberName_IsRefused()
    {
        byte[] json = [.. "{\"critical\":{\"iden"u8, 0xFF, .. "tity\":{}}}"u8];

        Assert.False(SimpleSigningPayload.TryParse(json, out _, out var error));
        Assert.Contains("not valid Unicode", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DuplicateLoneSurrogateMemberNames_AreRefused()
    {
        Assert.False(SimpleSigningPayload.TryParse("{\"\\ud800\":1,\"\\ud800\":2}"u8.ToArray(), out _, out var error));
        Assert.Contains("not valid Unicode", error, StringComparison.Ordinal);
    }
}
