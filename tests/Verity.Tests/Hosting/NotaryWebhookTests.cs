using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Verity.Registry;
using Verity.Testing;
using Verity.Tests.Admission;

namespace Verity.Tests.Hosting;

/// <summary>
/// The webhook over HTTPS with the real notaryv1 validator and the test bed's real Notary server: AdmissionReviews in,
/// admissions pinned to signed digests and denials with readable messages out.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotaryWebhookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Image => Testbed.Current["TESTBED_IMAGE"];

    private static string Gun => Testbed.Current["TESTBED_NOTARY_GUN"];

    [Fact]
    public async Task Mutate_DeploymentWithSignedTag_IsAdmittedAndPinnedToTheSignedDigest()
    {
        await using var server = await WebhookServer.StartAsync(TestbedConfigs.NotaryV1(), realValidators: true);

        var response = await ReviewAsync(server, AdmissionRequests.Deployment($"{Image}:signed"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        var patch = JsonNode.Parse(Convert.FromBase64String(response["patch"]!.GetValue<string>()))!.AsArray();
        var operation = Assert.Single(patch)!;
        Assert.Equal("replace", operation["op"]!.GetValue<string>());
        Assert.Equal("/spec/template/spec/containers/0/image", operation["path"]!.GetValue<string>());
        Assert.Equal($"{Image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}", operation["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mutate_DeploymentWithUnsignedTag_IsDeniedNamingTheImageAndTheRoleSearched()
    {
        await using var server = await WebhookServer.StartAsync(TestbedConfigs.NotaryV1(), realValidators: true);

        var response = await ReviewAsync(server, AdmissionRequests.Deployment($"{Image}:unsigned"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(
            $"image \"{Image}:unsigned\" denied: no signed digest for tag \"unsigned\" in targets/releases of {Gun}",
            response["status"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mutate_RetaggedTag_IsPinnedToTheSignedDigestNotTheOneTheRegistryServes()
    {
        await using var server = await WebhookServer.StartAsync(TestbedConfigs.NotaryV1(), realValidators: true);

        var response = await ReviewAsync(server, AdmissionRequests.Deployment($"{Image}:retagged", $"{Image}:signed"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal(
            $"/spec/template/spec/containers/0/image={Image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}|"
            + $"/spec/template/spec/containers/1/image={Image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}",
            ConnaisseurFixtureTests.PatchOf(response));
    }

    [Fact]
    public async Task Mutate_RepositoryWithoutTrustData_IsDeniedNoTrustData()
    {
        await using var server = await WebhookServer.StartAsync(TestbedConfigs.NotaryV1(), realValidators: true);
        var image = $"{Testbed.Current["TESTBED_REGISTRY"]}/test/never-signed:1.0";

        var response = await ReviewAsync(server, AdmissionRequests.Pod(image));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.StartsWith(
            $"image \"{image}\" denied: no trust data for GUN \"{Testbed.Current["TESTBED_REGISTRY"]}/test/never-signed\" on Notary server ",
            response["status"]!["message"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutate_NotaryDown_IsDeniedQuicklyNamingTheServerAndTheGun()
    {
        var port = ClosedPort();
        await using var server = await WebhookServer.StartAsync(TestbedConfigs.NotaryV1($"https://127.0.0.1:{port}"), realValidators: true);
        var watch = Stopwatch.StartNew();

        var response = await ReviewAsync(server, AdmissionRequests.Deployment($"{Image}:signed"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.StartsWith(
            $"image \"{Image}:signed\" denied: error during notaryv1 validation: root.json of GUN \"{Gun}\": could not reach Notary server 127.0.0.1:{port}: Connection refused",
            response["status"]!["message"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Mutate_NotaryStalls_IsDeniedWellWithinTheDeadline()
    {
        await using var stalling = await TestHttpServer.StartAsync(async context =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var server = await WebhookServer.StartAsync(
            TestbedConfigs.NotaryV1(stalling.BaseUri.AbsoluteUri.TrimEnd('/')),
            realValidators: true,
            services: services => services.Configure<RegistryClientOptions>(o =>
            {
                o.RequestTimeout = TimeSpan.FromMilliseconds(500);
                o.MaxAttempts = 2;
                o.InitialBackoff = TimeSpan.FromMilliseconds(50);
            }));
        var watch = Stopwatch.StartNew();

        var response = await ReviewAsync(server, AdmissionRequests.Deployment($"{Image}:signed"), timeout: "10s");

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(
            $"image \"{Image}:signed\" denied: error during notaryv1 validation: root.json of GUN \"{Gun}\": Notary server {stalling.Authority} did not answer within 0.5 s (2 attempts)",
            response["status"]!["message"]!.GetValue<string>());
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
    }

    private static async Task<JsonNode> ReviewAsync(WebhookServer server, JsonObject review, string? timeout = null)
    {
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/mutate" + (timeout is null ? string.Empty : "?timeout=" + timeout), content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
