using System.Text;
using System.Text.Json.Nodes;
using Verity.Tests.Admission;
using Verity.Testing;

namespace Verity.Tests.Hosting;

/// <summary>
/// The webhook over HTTPS with the real cosign validator (as <c>verity serve</c> registers it) against the test
/// bed's registry: signed images are admitted and pinned, unsigned and wrongly signed ones denied with the image and
/// the trust root named.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CosignWebhookTests
{
    private static Testbed Bed => Testbed.Current;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Config => $"""
        validators:
          - name: cosign
            type: cosign
            host:
              rekorPubkey: |
        {Indent(File.ReadAllText(Bed["TESTBED_REKOR_PUB"]), 8)}
            cert: |
        {Indent(File.ReadAllText(Bed["TESTBED_CA_CERT"]), 6)}
            trustRoots:
              - name: alice
                key: |
        {Indent(File.ReadAllText(Bed["TESTBED_COSIGN_PUB"]), 10)}
        policy:
          - pattern: "{Bed["TESTBED_REGISTRY"]}/*:*"
            validator: cosign
            with:
              trustRoot: alice
        """;

    [Fact]
    public async Task Mutate_SignedImage_AdmittedAndPinnedToTheVerifiedDigest()
    {
        await using var server = await WebhookServer.StartAsync(Config, realValidators: true);

        var response = await ReviewAsync(server, Bed["TESTBED_IMAGE"] + ":signed");

        Assert.True(response["allowed"]!.GetValue<bool>(), response.ToJsonString());
        Assert.Equal($"/spec/containers/0/image={Bed["TESTBED_IMAGE"]}@{Bed["TESTBED_DIGEST_SIGNED"]}", ConnaisseurFixtureTests.PatchOf(response));
    }

    [Fact]
    public async Task Mutate_UnsignedImage_DeniedNamingTheImageAndTheTrustRoot()
    {
        await using var server = await WebhookServer.StartAsync(Config, realValidators: true);

        var response = await ReviewAsync(server, Bed["TESTBED_IMAGE"] + ":unsigned");

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(
            $"image \"{Bed["TESTBED_IMAGE"]}:unsigned\" denied: no signatures found for {Bed["TESTBED_IMAGE"]}@{Bed["TESTBED_DIGEST_UNSIGNED"]} (trust root \"alice\")",
            response["status"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mutate_ImageSignedByAnotherKey_DeniedNamingTheImageAndTheTrustRoot()
    {
        await using var server = await WebhookServer.StartAsync(Config, realValidators: true);

        var response = await ReviewAsync(server, Bed["TESTBED_IMAGE"] + ":otherkey");

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.StartsWith(
            $"image \"{Bed["TESTBED_IMAGE"]}:otherkey\" denied: no signature by trust root \"alice\": signature layer 1: the signature does not verify with the key of trust root \"alice\"",
            response["status"]!["message"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    private static async Task<JsonNode> ReviewAsync(WebhookServer server, string image)
    {
        using var content = new StringContent(AdmissionRequests.Pod(image).ToJsonString(), Encoding.UTF8, "application/json");
        using var http = await server.Client.PostAsync("/mutate", content, Ct);
        http.EnsureSuccessStatusCode();
        return JsonNode.Parse(await http.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join('\n', text.Trim().Split('\n').Select(line => pad + line));
    }
}
