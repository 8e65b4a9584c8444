using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign.TrustedRoot;

/// <summary>
/// The v0.2 trusted root (<c>application/vnd.dev.sigstore.trustedroot.v0.2+json</c>, protobuf-specs <c>sigstore_trustroot.proto</c>):
/// a log's <c>checkpointKeyId</c> and the <c>operator</c> of logs and authorities are read, malformed values refuse the root naming
/// the field, and 0.1 roots read as before.
/// </summary>
public sealed class TrustedRootV02Tests : IDisposable
{
    private const string V02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";
    private const string V01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

    private readonly ECDsa _logKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public TrustedRootV02Tests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ca.verity.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
    }

    public void Dispose()
    {
        _logKey.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public void Read_V02Root_ReadsCheckpointKeyIdAndOperators()
    {
        var root = Root(V02);
        root["tlogs"]![0]!["checkpointKeyId"] = new JsonObject { ["keyId"] = "wP/uAQ==" };

        var material = Parse(root);

        var log = Assert.Single(material.RekorLogs);
        Assert.Equal([0xC0, 0xFF, 0xEE, 0x01], log.CheckpointKeyId.ToArray());
        Assert.Equal("rekor.verity.test", log.Operator);
        Assert.Equal("fulcio.verity.test", Assert.Single(material.CertificateAuthorities).Operator);
        Assert.Equal("tsa.verity.test/v1", Assert.Single(material.TimestampAuthorities).Operator);
        Assert.Equal("ct.verity.test", Assert.Single(material.CtLogs).Operator);
    }

    [Fact]
    public void Read_V02RootWithoutTheNewFields_ComputesKeyIdsAsBefore()
    {
        var root = Root(V02);
        foreach (var list in new[] { "tlogs", "ctlogs", "certificateAuthorities", "timestampAuthorities" })
        {
            root[list]![0]!.AsObject().Remove("operator");
        }

        root["tlogs"]![0]!["checkpointKeyId"] = null;

        var log = Assert.Single(Parse(root).RekorLogs);
        Assert.True(log.CheckpointKeyId.IsEmpty);
        Assert.Null(log.Operator);
    }

    [Theory]
    [InlineData(V01)]
    [InlineData("application/vnd.dev.sigstore.trustedroot.v0.1+json")]
    public void Read_V01Root_ReadsAsBeforeWithoutTheV02Fields(string mediaType)
    {
        // The specification supports checkpointKeyId and operator from 0.2 on: a 0.1 root's are not read (even malformed ones).
        var root = Root(mediaType);
        root["tlogs"]![0]!["checkpointKeyId"] = new JsonObject { ["keyId"] = "not base64!" };

        var material = Parse(root);

        var log = Assert.Single(material.RekorLogs);
        Assert.True(log.CheckpointKeyId.IsEmpty);
        Assert.Null(log.Operator);
        Assert.NotNull(log.Key);
        Assert.Null(Assert.Single(material.CertificateAuthorities).Operator);
    }

    [Theory]
    [InlineData("tlogs", "checkpointKeyId", "\"wP/uAQ==\"", "trustedRoot.tlogs[0].checkpointKeyId must be an object")]
    [InlineData("tlogs", "checkpointKeyId", "{}", "trustedRoot.tlogs[0].checkpointKeyId.keyId is missing")]
    [InlineData("tlogs", "checkpointKeyId", "{\"keyId\":\"not base64!\"}", "trustedRoot.tlogs[0].checkpointKeyId.keyId is not base64")]
    [InlineData("tlogs", "checkpointKeyId", "{\"keyId\":\"wP/u\"}", "trustedRoot.tlogs[0].checkpointKeyId.keyId has 3 bytes (expected a 4-byte key ID, or the 32-byte hash")]
    [InlineData("ctlogs", "checkpointKeyId", "{\"keyId\":\"AAAAAAA=\"}", "trustedRoot.ctlogs[0].checkpointKeyId.keyId has 5 bytes")]
    [InlineData("tlogs", "operator", "42", "trustedRoot.tlogs[0].operator must be a string, not a number")]
    [InlineData("tlogs", "operator", "\"https://sigstore.dev\"", "trustedRoot.tlogs[0].operator \"https://sigstore.dev\" is not a scheme-less URI such as \"sigstore.dev\"")]
    [InlineData("certificateAuthorities", "operator", "\"sigstore dev\"", "trustedRoot.certificateAuthorities[0].operator \"sigstore dev\" is not a scheme-less URI")]
    [InlineData("timestampAuthorities", "operator", "\"user@tsa.verity.test\"", "trustedRoot.timestampAuthorities[0].operator \"user@tsa.verity.test\" is not a scheme-less URI")]
    [InlineData("timestampAuthorities", "operator", "[]", "trustedRoot.timestampAuthorities[0].operator must be a string")]
    public void Read_MalformedV02Field_RefusedNamingTheField(string list, string field, string value, string expected)
    {
        var root = Root(V02);
        root[list]![0]![field] = JsonNode.Parse(value);

        Assert.False(TrustedMaterial.TryParse(Encoding.UTF8.GetBytes(root.ToJsonString()), out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    private static TrustedMaterial Parse(JsonObject root)
    {
        Assert.True(TrustedMaterial.TryParse(Encoding.UTF8.GetBytes(root.ToJsonString()), out var material, out var error), error);
        return material;
    }

    private JsonObject Root(string mediaType)
    {
        var spki = _logKey.ExportSubjectPublicKeyInfo();
        JsonObject Log(string url, string @operator) => new()
        {
            ["baseUrl"] = url,
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject
            {
                ["rawBytes"] = Convert.ToBase64String(spki),
                ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256",
                ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
            },
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(SHA256.HashData(spki)) },
            ["operator"] = @operator,
        };
        JsonObject Authority(string @operator) => new()
        {
            ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = Convert.ToBase64String(_ca.RawData) }) },
            ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
            ["operator"] = @operator,
        };

        return new JsonObject
        {
            ["mediaType"] = mediaType,
            ["tlogs"] = new JsonArray(Log("https://rekor.verity.test", "rekor.verity.test")),
            ["ctlogs"] = new JsonArray(Log("https://ct.verity.test", "ct.verity.test")),
            ["certificateAuthorities"] = new JsonArray(Authority("fulcio.verity.test")),
            ["timestampAuthorities"] = new JsonArray(Authority("tsa.verity.test/v1")),
        };
    }
}
