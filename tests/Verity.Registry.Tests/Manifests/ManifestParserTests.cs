using System.Text;
using Verity.Core.Images;
using Verity.Registry.Manifests;

using static Verity.Registry.Tests.TestText;

namespace Verity.Registry.Tests.Manifests;

public sealed class ManifestParserTests
{
    private const string D1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string D2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    private static RegistryManifest Parse(string json, string? contentType = null)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return ManifestParser.Parse(bytes, Digest.Compute(bytes), contentType);
    }

    [Fact]
    public void Parse_OciManifestWithSubject_ReadsEveryDescriptor()
    {
        var manifest = Parse(Sub("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"$1","size":2},
             "layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","digest":"$2","size":1234,"annotations":{"a":"b"}}],
             "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$3","size":345},
             "annotations":{"org.opencontainers.image.created":"2026-11-22T00:00:00Z"}}
            """, D1, D2, D1));

        Assert.Equal(ManifestMediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal("application/vnd.dev.sigstore.bundle.v0.3+json", manifest.ArtifactType);
        Assert.Equal(D1, manifest.Config!.Digest.Value);
        Assert.Equal(1234, manifest.Layers.Single().Size);
        Assert.Equal("b", manifest.Layers[0].Annotations["a"]);
        Assert.Equal(D1, manifest.Subject!.Digest.Value);
        Assert.False(manifest.IsIndex);
    }

    [Fact]
    public void Parse_IndexWithPlatforms_ReadsManifests()
    {
        var index = Parse(Sub("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$1","size":10,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}
            """, D1));

        Assert.True(index.IsIndex);
        Assert.Equal("linux/arm64/v8", index.Manifests.Single().Platform!.ToString());
    }

    [Fact]
    public void Parse_NoMediaTypeField_UsesContentType()
    {
        var manifest = Parse(Sub("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"$1","size":1},"layers":[]}""", D1), "application/vnd.oci.image.manifest.v1+json; charset=utf-8");

        Assert.Equal(ManifestMediaTypes.OciManifest, manifest.MediaType);
    }

    [Fact]
    public void Parse_ArtifactManifestBlobs_AreLayers()
    {
        var manifest = Parse(Sub("""{"schemaVersion":2,"mediaType":"application/vnd.oci.artifact.manifest.v1+json","blobs":[{"mediaType":"x","digest":"$1","size":3}]}""", D2));

        Assert.Equal(D2, manifest.Layers.Single().Digest.Value);
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"schemaVersion\":1,\"mediaType\":\"x\"}", "schemaVersion is not 2")]
    [InlineData("{\"mediaType\":\"x\"}", "schemaVersion is not 2")]
    [InlineData("{\"schemaVersion\":2}", "no mediaType")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}", "without \"manifests\"")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"x\",\"layers\":[{\"mediaType\":\"x\",\"digest\":\"md5:abc\",\"size\":1}]}", "layers[0]")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"x\",\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" + D1 + "\",\"size\":-1}]}", "no valid size")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"x\",\"layers\":{}}", "not an array")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"x\",\"annotations\":{\"a\":1}}", "annotation \"a\"")]
    [InlineData("not json", "not valid JSON")]
    public void Parse_Malformed_SaysWhy(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Parse(json));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKeys_AreRejected()
    {
        // Two parsers that pick different duplicates could see two different manifests in one set of signed bytes.
        Assert.Throws<FormatException>(() => Parse("""{"schemaVersion":2,"mediaType":"a","mediaType":"b"}"""));
    }

    // JsonElement.GetString threw InvalidOperationException, not FormatException, for text that is not Unicode in a
    // manifest a registry chose (found by fuzzing, docs/fuzzing.md).
    [Fact]
    public void Parse_InvalidUtf8InConfigMediaType_IsFormatError()
    {
        byte[] bytes = [.. """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.em"""u8, 0x80, .. "y\"}}"u8];

        var e = Assert.Throws<FormatException>(() => ManifestParser.Parse(bytes, Digest.Compute(bytes), null));
        Assert.Contains("not valid Unicode", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"manifests":[{"mediaType":"\ud800","digest":"x","size":1}]}""")]
    [InlineData("""{"\udc00":1,"\udc00":2}""")]
    public void ParseIndexManifests_LoneSurrogateEscape_IsFormatError(string json)
    {
        Assert.Throws<FormatException>(() => ManifestParser.ParseIndexManifests(Encoding.UTF8.GetBytes(json)));
    }
}
