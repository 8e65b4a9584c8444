using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing;

namespace Verity.IntegrationTests.Notary;

/// <summary>The built executable with the notaryv1 validator, against the test bed's real Notary server.</summary>
[Trait("Category", "Integration")]
public sealed class NotaryExecutableTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-exe-notary-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Image => Testbed.Current["TESTBED_IMAGE"];

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Serve_NotaryV1Policy_PinsTheSignedTagAndDeniesTheUnsignedOne()
    {
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, TestbedConfigs.NotaryV1(), Ct);
        await using var verity = VerityProcess.Start("serve", "--config", config, "--urls", "https://127.0.0.1:0");
        var url = await verity.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        using var client = VerityProcess.PinningClient(url);

        async Task<JsonNode> Review(string image)
        {
            var review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"b7c1a0e4-0000-4000-8000-000000000001",
                 "kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","namespace":"shop","userInfo":{"username":"dev"},
                 "object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
                  "spec":{"template":{"spec":{"containers":[{"name":"web","image":"IMAGE"}]}}}}}}
                """.Replace("IMAGE", image, StringComparison.Ordinal);
            using var response = await client.PostAsync("/mutate", new StringContent(review, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
        }

        var signed = await Review($"{Image}:signed");
        var unsigned = await Review($"{Image}:unsigned");

        Assert.True(signed["allowed"]!.GetValue<bool>());
        var patch = JsonNode.Parse(Convert.FromBase64String(signed["patch"]!.GetValue<string>()))!.AsArray();
        Assert.Equal($"{Image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}", Assert.Single(patch)!["value"]!.GetValue<string>());
        Assert.False(unsigned["allowed"]!.GetValue<bool>());
        Assert.Equal(
            $"image \"{Image}:unsigned\" denied: no signed digest for tag \"unsigned\" in targets/releases of {Testbed.Current["TESTBED_NOTARY_GUN"]}",
            unsigned["status"]!["message"]!.GetValue<string>());
        Assert.Equal(0, await verity.StopAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Demo_WithTestbed_ShowsTheSignedImagePinnedAndTheUnsignedDenied()
    {
        var (code, output, error) = await VerityProcess.RunAsync(TimeSpan.FromSeconds(120), "demo", "--testbed", Testbed.Current.File);

        Assert.True(code == 0, error + output);
        Assert.Contains($"ADMITTED  {Image}:signed", output, StringComparison.Ordinal);
        Assert.Contains($"-> patched to {Image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}", output, StringComparison.Ordinal);
        Assert.Contains($"DENIED    {Image}:unsigned", output, StringComparison.Ordinal);
        Assert.Contains("verdicts as expected.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotaryRootKey_AgainstTheTestbed_PrintsTheTestbedRootKey()
    {
        var (code, output, error) = await VerityProcess.RunAsync(
            TimeSpan.FromSeconds(60),
            "notary", "root-key", "--server", Testbed.Current["TESTBED_NOTARY_URL"], "--ca", Testbed.Current["TESTBED_CA_CERT"], Testbed.Current["TESTBED_NOTARY_GUN"]);

        Assert.True(code == 0, error);
        Assert.Equal(Testbed.Current.ReadFile("TESTBED_NOTARY_ROOT_PUB_PEM").Trim(), output.Trim());
    }
}
