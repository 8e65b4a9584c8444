using System.Text;
using System.Text.Json.Nodes;
using Verity.Tests.Admission;
using Verity.Testing;
using Verity.Testing.Notation;
using Verity.Testing.Registry;

namespace Verity.Tests.Hosting;

/// <summary>
/// The webhook over HTTPS with the real notation validator (as <c>verity serve</c> registers it) against a fake
/// registry serving an image and its Notary Project signature as a referrer: the signed image is admitted and pinned,
/// an unsigned one is denied with the image named.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotationWebhookTests : IDisposable
{
    private const string Repo = "acme/app";

    private readonly TestPki _pki = TestPki.Create();
    private readonly NotationTestCa _ca = NotationTestCa.Create("Acme");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _pki.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public async Task Mutate_SignedAndUnsignedImages_SignedAdmittedAndPinned_UnsignedDeniedNamingTheImage()
    {
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
        var signed = NotationPush.Image(registry, Repo, "signed", "signed layer");
        var unsigned = NotationPush.Image(registry, Repo, "unsigned", "unsigned layer");
        using (var leaf = _ca.Leaf())
        {
            NotationPush.Signature(registry, Repo, signed.Digest, NotationSigner.Jws(NotationSigner.Payload(signed.MediaType, signed.Digest, signed.Size), leaf, [leaf, _ca.Root]));
        }

        await using var server = await WebhookServer.StartAsync(Config(registry.Registry), realValidators: true);
        var image = $"{registry.Registry}/{Repo}";

        var admitted = await ReviewAsync(server, image + ":signed");
        var denied = await ReviewAsync(server, image + ":unsigned");

        Assert.True(admitted["allowed"]!.GetValue<bool>(), admitted.ToJsonString());
        Assert.Equal($"/spec/containers/0/image={image}@{signed.Digest}", ConnaisseurFixtureTests.PatchOf(admitted));
        Assert.False(denied["allowed"]!.GetValue<bool>());
        Assert.Equal(
            $"image \"{image}:unsigned\" denied: no notation signatures found for {image}@{unsigned.Digest} (trust root \"acme\")",
            denied["status"]!["message"]!.GetValue<string>());
    }

    private string Config(string registry) => $"""
        validators:
          - name: np
            type: notation
            cert: |
        {Indent(_pki.CaCertificate.ExportCertificatePem(), 6)}
            trustRoots:
              - name: acme
                cert: |
        {Indent(_ca.RootPem, 10)}
        policy:
          - pattern: "{registry}/*:*"
            validator: np
            with:
              trustRoot: acme
              verificationLevel: strict
        """;

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
