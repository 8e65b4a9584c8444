using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// The harness writes the cosign <c>sha256-&lt;hex&gt;.sig</c> layout itself (no cosign binary here); these tests
/// cross-check what it pushed to the real registry against what the real cosign CLI wrote (Connaisseur's
/// fixtures), so the validator is tested on the format cosign produces, not on the harness's idea of it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HarnessLayoutTests
{
    private const string KeySigned = "sha256-071bf7a986f1ca9cb2a1f0bc8392822a7777f90d58f2d2c6f271913e08de7c81.sig";
    private const string KeylessSigned = "sha256-31dc72a13a0c34b40eb95419d2b2fd67320c856baf3b72da518023ee8d370aee.sig";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonNode Fixture(string manifest) =>
        JsonNode.Parse(File.ReadAllText(SharedFixtures.Connaisseur("cosign", "securesystemsengineering", "testimage", "manifests", manifest + ".json")))!;

    private static JsonNode FixtureBlob(string digest) =>
        JsonNode.Parse(File.ReadAllText(SharedFixtures.Connaisseur("cosign", "securesystemsengineering", "testimage", "blobs", digest + ".json")))!;

    private static async Task<(JsonNode Manifest, HttpClient Client, string Base)> HarnessSignatureManifest()
    {
        var testbed = Testbed.Current;
        var ca = X509CertificateLoader.LoadCertificateFromFile(testbed["TESTBED_CA_CERT"]);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        var baseUrl = $"{testbed["TESTBED_REGISTRY_URL"]}/v2/{testbed["TESTBED_REPO"]}";
        var tag = "sha256-" + testbed["TESTBED_DIGEST_SIGNED"]["sha256:".Length..] + ".sig";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!, client, baseUrl);
    }

    private static string[] Keys(JsonNode? node) => node is JsonObject o ? [.. o.Select(p => p.Key).Order(StringComparer.Ordinal)] : [];

    // The key paths of a JSON document, values ignored: "critical.identity.docker-reference", …
    private static string[] Shape(JsonNode? node, string prefix = "")
    {
        if (node is not JsonObject o)
        {
            return [prefix];
        }

        return [.. o.SelectMany(p => Shape(p.Value, prefix.Length == 0 ? p.Key : prefix + "." + p.Key)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task SignatureManifest_HasCosignsMediaTypes()
    {
        var (harness, client, _) = await HarnessSignatureManifest();
        using (client)
        {
            var cosign = Fixture(KeySigned);
            Assert.Equal(cosign["schemaVersion"]!.GetValue<int>(), harness["schemaVersion"]!.GetValue<int>());
            Assert.Equal(cosign["mediaType"]!.GetValue<string>(), harness["mediaType"]!.GetValue<string>());
            Assert.Equal(cosign["config"]!["mediaType"]!.GetValue<string>(), harness["config"]!["mediaType"]!.GetValue<string>());
            Assert.All(harness["layers"]!.AsArray(), layer =>
                Assert.Equal(cosign["layers"]![0]!["mediaType"]!.GetValue<string>(), layer!["mediaType"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task KeylessLayer_HasTheAnnotationsCosignWrites()
    {
        var (harness, client, _) = await HarnessSignatureManifest();
        using (client)
        {
            var cosignKeyless = Keys(Fixture(KeylessSigned)["layers"]![0]!["annotations"]);
            var harnessKeyless = harness["layers"]!.AsArray().Select(l => Keys(l!["annotations"])).Single(k => k.Contains("dev.sigstore.cosign/certificate"));

            // cosign 2 writes signature, certificate, chain and bundle; the harness adds cosign's RFC 3161 annotation.
            Assert.Empty(cosignKeyless.Except(harnessKeyless));
            Assert.Equal(["dev.sigstore.cosign/rfc3161timestamp"], harnessKeyless.Except(cosignKeyless));
        }
    }

    [Fact]
    public async Task RekorBundleAnnotation_HasCosignsShape()
    {
        var (harness, client, _) = await HarnessSignatureManifest();
        using (client)
        {
            var cosignBundle = JsonNode.Parse(Fixture(KeylessSigned)["layers"]![0]!["annotations"]!["dev.sigstore.cosign/bundle"]!.GetValue<string>())!;
            var harnessLayer = harness["layers"]!.AsArray().First(l => l!["annotations"]!["dev.sigstore.cosign/bundle"] is not null)!;
            var harnessBundle = JsonNode.Parse(harnessLayer["annotations"]!["dev.sigstore.cosign/bundle"]!.GetValue<string>())!;
            Assert.Equal(Shape(cosignBundle), Shape(harnessBundle));

            // The logged entry: a hashedrekord of the same shape.
            var cosignBody = JsonNode.Parse(Convert.FromBase64String(cosignBundle["Payload"]!["body"]!.GetValue<string>()))!;
            var harnessBody = JsonNode.Parse(Convert.FromBase64String(harnessBundle["Payload"]!["body"]!.GetValue<string>()))!;
            Assert.Equal(Shape(cosignBody), Shape(harnessBody));
            Assert.Equal(cosignBody["kind"]!.GetValue<string>(), harnessBody["kind"]!.GetValue<string>());
            Assert.Equal(cosignBody["apiVersion"]!.GetValue<string>(), harnessBody["apiVersion"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Payload_IsASimpleSigningDocumentOfCosignsShape()
    {
        var (harness, client, baseUrl) = await HarnessSignatureManifest();
        using (client)
        {
            var cosignPayload = FixtureBlob(Fixture(KeySigned)["layers"]![0]!["digest"]!.GetValue<string>());
            var digest = harness["layers"]![0]!["digest"]!.GetValue<string>();
            var bytes = await client.GetByteArrayAsync($"{baseUrl}/blobs/{digest}", Ct);
            var harnessPayload = JsonNode.Parse(Encoding.UTF8.GetString(bytes))!;

            Assert.Equal(Shape(cosignPayload), Shape(harnessPayload));
            Assert.Equal(cosignPayload["critical"]!["type"]!.GetValue<string>(), harnessPayload["critical"]!["type"]!.GetValue<string>());
            Assert.Equal(Testbed.Current["TESTBED_DIGEST_SIGNED"], harnessPayload["critical"]!["image"]!["docker-manifest-digest"]!.GetValue<string>());
            Assert.Equal(Testbed.Current["TESTBED_IMAGE"], harnessPayload["critical"]!["identity"]!["docker-reference"]!.GetValue<string>());
        }
    }
}
