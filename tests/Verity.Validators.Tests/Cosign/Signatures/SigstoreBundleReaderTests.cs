using Verity.Validators.Cosign.Evidence;
using System.Text.Json.Nodes;
using Verity.Validators.Cosign.Signatures;

namespace Verity.Validators.Tests.Cosign.Signatures;

/// <summary>The structural rules sigstore-go enforces per bundle version, on bundles made at test time.</summary>
public sealed class SigstoreBundleReaderTests : IDisposable
{
    private readonly TestSigstore _sigstore = new();

    public void Dispose() => _sigstore.Dispose();

    [Theory]
    [InlineData("application/vnd.dev.sigstore.bundle+json;version=0.1", 1)]
    [InlineData("application/vnd.dev.sigstore.bundle+json;version=0.2", 2)]
    [InlineData("application/vnd.dev.sigstore.bundle+json;version=0.3", 3)]
    [InlineData("application/vnd.dev.sigstore.bundle.v0.3+json", 3)]
    [InlineData("application/vnd.dev.sigstore.bundle.v0.4+json", null)]
    [InlineData("application/json", null)]
    public void MinorVersion_KnownMediaTypes(string mediaType, int? expected)
    {
        Assert.Equal(expected, SigstoreBundleReader.MinorVersion(mediaType));
    }

    [Fact]
    public void Read_V03MessageSignature_HasCertificateEntryAndDigest()
    {
        var entity = Read(Bundle());

        var material = Assert.IsType<CertificateMaterial>(entity.Material);
        Assert.Empty(material.Chain);
        var entry = Assert.Single(entity.TlogEntries);
        Assert.True(entry.HasPromise);
        Assert.NotNull(entry.InclusionProof);
        Assert.Equal(5, entry.InclusionProof.TreeSize);
        Assert.IsType<MessageSignatureContent>(entity.Content);
    }

    [Fact]
    public void Read_V01WithoutPromise_IsRefused()
    {
        var bundle = Bundle();
        bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1";
        Entry(bundle).Remove("inclusionPromise");

        Assert.Contains("no inclusion promise, which a v0.1 bundle requires", Error(bundle), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_V02WithoutProof_IsRefused()
    {
        var bundle = Bundle();
        bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.2";
        Entry(bundle).Remove("inclusionProof");

        Assert.Contains("no inclusion proof, which a v0.2 or later bundle requires", Error(bundle), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_V03WithCertificateChain_IsRefused()
    {
        var bundle = Bundle();
        var material = bundle["verificationMaterial"]!.AsObject();
        var certificate = material["certificate"]!.DeepClone();
        material.Remove("certificate");
        material["x509CertificateChain"] = new JsonObject { ["certificates"] = new JsonArray(certificate) };

        Assert.Contains("may not carry an x509CertificateChain", Error(bundle), StringComparison.Ordinal);

        bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.2";
        Assert.IsType<CertificateMaterial>(Read(bundle).Material);
    }

    [Fact]
    public void Read_BothContents_IsRefused()
    {
        var bundle = Bundle();
        bundle["dsseEnvelope"] = new JsonObject { ["payload"] = "", ["payloadType"] = "x", ["signatures"] = new JsonArray() };

        Assert.Contains("exactly one of messageSignature and dsseEnvelope", Error(bundle), StringComparison.Ordinal);
    }

    // Found by fuzzing (docs/fuzzing.md): JsonElement.GetString threw InvalidOperationException out of TryRead.
    [Fact]
    public void Read_InvalidUtf8InCertificate_IsRefused()
    {
        var bytes = Bytes(Bundle());
        var rawBytes = System.Text.Encoding.UTF8.GetBytes("\"rawBytes\":\"");
        bytes[bytes.AsSpan().IndexOf(rawBytes) + rawBytes.Length + 10] = 0xFF;

        Assert.False(SigstoreBundleReader.TryRead(new SigstoreBundleBlob(bytes), "bundle 1", CosignLimits.Default, out _, out var error));
        Assert.Contains("not valid Unicode", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ArtifactNotMatchingMessageDigest_IsRefused()
    {
        Assert.False(SigstoreBundleReader.TryRead(new SigstoreBundleBlob(Bytes(Bundle()), "other"u8.ToArray()), "bundle 1", CosignLimits.Default, out _, out var error));
        Assert.Contains("not the digest of the supplied artifact", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OversizedBundle_IsRefusedBeforeParsing()
    {
        var limits = new CosignLimits { MaxBundleBytes = 100 };

        Assert.False(SigstoreBundleReader.TryRead(new SigstoreBundleBlob(Bytes(Bundle())), "bundle 1", limits, out _, out var error));
        Assert.Contains("more than the limit of 100", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TooManyTlogEntries_IsRefused()
    {
        var bundle = Bundle();
        var entries = bundle["verificationMaterial"]!["tlogEntries"]!.AsArray();
        entries.Add(entries[0]!.DeepClone());

        Assert.False(SigstoreBundleReader.TryRead(new SigstoreBundleBlob(Bytes(bundle)), "bundle 1", new CosignLimits { MaxTlogEntries = 1 }, out _, out var error));
        Assert.Contains("more than 1 transparency log entries", error, StringComparison.Ordinal);
    }

    private static JsonObject Entry(JsonObject bundle) => bundle["verificationMaterial"]!["tlogEntries"]![0]!.AsObject();

    private static byte[] Bytes(JsonObject bundle) => System.Text.Encoding.UTF8.GetBytes(bundle.ToJsonString());

    private static SignedEntity Read(JsonObject bundle)
    {
        Assert.True(SigstoreBundleReader.TryRead(new SigstoreBundleBlob(Bytes(bundle)), "bundle 1", CosignLimits.Default, out var entity, out var error), error);
        return entity;
    }

    private static string Error(JsonObject bundle)
    {
        Assert.False(SigstoreBundleReader.TryRead(new SigstoreBundleBlob(Bytes(bundle)), "bundle 1", CosignLimits.Default, out _, out var error));
        return error;
    }

    private JsonObject Bundle()
    {
        var layer = _sigstore.KeylessLayer(TestSigstore.RandomImage(), "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main");
        return JsonNode.Parse(TestSigstore.Bundle(layer.Leaf, System.Security.Cryptography.SHA256.HashData(layer.Payload), layer.Signature, layer.Entry))!.AsObject();
    }
}
