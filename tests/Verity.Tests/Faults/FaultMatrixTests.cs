using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing;
using Verity.Testing.Notary;
using Verity.Testing.Notation;
using Verity.Testing.Registry;
using Verity.Tests.Admission;
using Verity.Tests.Hosting;

namespace Verity.Tests.Faults;

/// <summary>
/// The fault matrix of the dependencies a verdict rests on (issue #10): a registry (through the notation validator; the
/// cosign validator shares its client) and a Notary server (through notaryv1), each refusing, stalling, dripping,
/// failing, throttling, oversending, sending garbage or other content, redirecting elsewhere, or presenting a
/// certificate for another name or an expired one. Every case goes through the HTTPS webhook with the executable's
/// validators and a 5 s webhook timeout, and must end in a denial that names the image and the cause (or, for a
/// throttle that clears, the right admission), within the deadline, without leaking sockets.
/// </summary>
/// <remarks>
/// The other dependencies have their fault matrices next to their features: the Kubernetes API
/// (<c>ClusterFaultTests</c>: validated, never admitted by a failed lookup), alert receivers (<c>AlertFaultTests</c>)
/// and Redis (<c>SharedCacheTests.RedisKilledMidRun*</c>, <c>RedisDownFromTheStart*</c>,
/// <c>RedisThatCannotBeTrustedOrEntered*</c>). docs/threat-model.md lists them all.
/// </remarks>
[Trait("Category", "Integration")]
public sealed class FaultMatrixTests : IDisposable
{
    private const string Repo = "acme/app";
    private static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(5);

    private readonly TestPki _pki = TestPki.Create("Faults");
    private readonly NotationTestCa _ca = NotationTestCa.Create("Acme");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _pki.Dispose();
        _ca.Dispose();
    }

    public static TheoryData<string, string?> RegistryFaultCases => new()
    {
        { "refused", "could not reach" },
        { "stall", "did not finish before the deadline" },
        { "drip", "did not finish before the deadline" },
        { "5xx", "503" },
        { "429 with a long Retry-After", "retry after 3600 s" },
        { "429 with a short Retry-After, once", null },
        { "oversized manifest", "larger than the limit" },
        { "garbage manifest", "not valid JSON" },
        { "content that is not the digest the registry names", "digest" },
        { "redirect to another host", "redirect" },
        { "TLS certificate for another name", "TLS certificate is for another name" },
        { "TLS certificate expired", "TLS certificate expired on" },
    };

    public static TheoryData<string, string?> NotaryFaultCases => new()
    {
        { "refused", "could not reach" },
        { "stall", "did not finish before the deadline" },
        { "drip", "did not finish before the deadline" },
        { "5xx", "503" },
        { "429 with a long Retry-After", "retry after 3600 s" },
        { "429 with a short Retry-After, once", null },
        { "oversized trust data", "larger than the limit" },
        { "garbage trust data", "not valid JSON" },
        { "trust data that is not what the snapshot lists", "snapshot" },
        { "redirect to another host", "redirect" },
        { "TLS certificate for another name", "TLS certificate is for another name" },
        { "TLS certificate expired", "TLS certificate expired on" },
    };

    [Theory]
    [MemberData(nameof(RegistryFaultCases))]
    public async Task Registry_Fault_DeniesNamingTheCause_WithinTheDeadline_WithoutLeakingSockets(string fault, string? cause)
    {
        var certificate = fault switch
        {
            "TLS certificate for another name" => _pki.CreateServerCertificate("registry.other.example"),
            "TLS certificate expired" => _pki.CreateExpiredServerCertificate("127.0.0.1", "localhost"),
            _ => _pki.ServerCertificate,
        };
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = certificate });
        await using var elsewhere = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
        var signed = NotationPush.Image(registry, Repo, "signed", "signed layer");
        using (var leaf = _ca.Leaf())
        {
            NotationPush.Signature(registry, Repo, signed.Digest, NotationSigner.Jws(NotationSigner.Payload(signed.MediaType, signed.Digest, signed.Size), leaf, [leaf, _ca.Root]));
        }

        var host = fault == "refused" ? $"127.0.0.1:{ClosedPort()}" : registry.Registry;
        if (SharedFault(fault, "/manifests/", NotationPush.OciManifest) is { } shared)
        {
            registry.AddFault(shared);
        }

        switch (fault)
        {
            case "content that is not the digest the registry names":
                // A well-formed manifest of another image, under the signed image's digest.
                var other = Encoding.UTF8.GetBytes(
                    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                    + new string('a', 64) + "\",\"size\":2},\"layers\":[]}");
                registry.ServeManifest(Repo, "signed", other, NotationPush.OciManifest, dockerContentDigest: signed.Digest);
                break;
            case "redirect to another host":
                NotationPush.Image(elsewhere, Repo, "signed", "signed layer");
                registry.AddFault(RegistryFaults.Redirect(elsewhere.BaseUri, "/manifests/"));
                break;
        }

        var image = $"{host}/{Repo}:signed";
        await using var server = await WebhookServer.StartAsync(NotationConfig(host), realValidators: true, timeout: WebhookTimeout);

        await AssertFaultHandledAsync(server, image, cause, Port(host), admitted: fault == "429 with a short Retry-After, once" ? $"{host}/{Repo}@{signed.Digest}" : null);
    }

    [Theory]
    [MemberData(nameof(NotaryFaultCases))]
    public async Task Notary_Fault_DeniesNamingTheCause_WithinTheDeadline_WithoutLeakingSockets(string fault, string? cause)
    {
        var certificate = fault switch
        {
            "TLS certificate for another name" => _pki.CreateServerCertificate("notary.other.example"),
            "TLS certificate expired" => _pki.CreateExpiredServerCertificate("127.0.0.1", "localhost"),
            _ => _pki.ServerCertificate,
        };
        await using var notary = await FakeNotaryServer.StartAsync(new FakeNotaryServerOptions { Certificate = certificate });
        await using var elsewhere = await FakeNotaryServer.StartAsync(new FakeNotaryServerOptions { Certificate = _pki.ServerCertificate });
        var gun = Testbed.Current["TESTBED_NOTARY_GUN"];
        var files = await CopyTestbedTrustDataAsync(gun);
        notary.PutAll(gun, files);
        elsewhere.PutAll(gun, files);

        var url = fault == "refused" ? new Uri($"https://127.0.0.1:{ClosedPort()}") : notary.BaseUri;
        if (SharedFault(fault, "/_trust/", "application/json") is { } shared)
        {
            notary.AddFault(shared);
        }

        switch (fault)
        {
            case "trust data that is not what the snapshot lists":
                // targets.json with one byte more: signed content the snapshot's hashes do not describe.
                notary.Put(gun, "targets", [.. files["targets"], (byte)' ']);
                break;
            case "redirect to another host":
                notary.AddFault(RegistryFaults.Redirect(elsewhere.BaseUri, "/_trust/"));
                break;
        }

        var image = $"{Testbed.Current["TESTBED_IMAGE"]}:signed";
        await using var server = await WebhookServer.StartAsync(
            TestbedConfigs.NotaryV1(url.AbsoluteUri.TrimEnd('/'), _pki.CaCertificate.ExportCertificatePem()), realValidators: true, timeout: WebhookTimeout);

        await AssertFaultHandledAsync(server, image, cause, url.Port,
            admitted: fault == "429 with a short Retry-After, once" ? $"{Testbed.Current["TESTBED_IMAGE"]}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}" : null);
    }

    /// <summary>
    /// The faults both servers get alike, on requests whose path contains <paramref name="path"/> (bodies of
    /// <paramref name="contentType"/>); null for the cases each test stages itself.
    /// </summary>
    private static IRegistryFault? SharedFault(string fault, string path, string contentType) => fault switch
    {
        "stall" => RegistryFaults.Stall(),
        "drip" => RegistryFaults.Drip(TimeSpan.FromMilliseconds(200), path),
        "5xx" => RegistryFaults.Status(503, int.MaxValue),
        "429 with a long Retry-After" => RegistryFaults.Status(429, int.MaxValue, retryAfter: "3600"),
        "429 with a short Retry-After, once" => RegistryFaults.Status(429, 1, retryAfter: "1"),
        _ when fault.StartsWith("oversized ", StringComparison.Ordinal) => RegistryFaults.OversizedBody(64L << 20, declareLength: false, pathContains: path),
        _ when fault.StartsWith("garbage ", StringComparison.Ordinal) => RegistryFaults.Garbage(path, contentType),
        _ => null,
    };

    /// <summary>
    /// Reviews <paramref name="image"/> three times: each answer is a denial naming the image and
    /// <paramref name="cause"/> (or the admission pinned to <paramref name="admitted"/>), one line, within the webhook
    /// timeout; the second and third leave no more connections to the faulty server (port <paramref name="port"/>) open
    /// than the first did.
    /// </summary>
    private static async Task AssertFaultHandledAsync(WebhookServer server, string image, string? cause, int port, string? admitted)
    {
        var sockets = 0;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            var response = await ReviewAsync(server, image);
            clock.Stop();

            var message = response["status"]?["message"]?.GetValue<string>() ?? string.Empty;
            Assert.True(clock.Elapsed < WebhookTimeout + TimeSpan.FromSeconds(2), $"answered after {clock.Elapsed}: {message}");
            if (admitted is not null)
            {
                Assert.True(response["allowed"]!.GetValue<bool>(), message);
                Assert.Equal($"/spec/containers/0/image={admitted}", ConnaisseurFixtureTests.PatchOf(response));
            }
            else
            {
                Assert.False(response["allowed"]!.GetValue<bool>(), "admitted despite the fault");
                Assert.Contains(image, message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', message);
                Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
                Assert.True(message.Length < 1200, message);
                if (cause is not null)
                {
                    Assert.True(message.Contains(cause, StringComparison.OrdinalIgnoreCase), $"round {round + 1}: \"{cause}\" not in: {message}");
                }
            }

            // Cancelled exchanges must not leave connections to the faulty server behind (other tests run in parallel in
            // this process, so only connections to its port are counted).
            await Task.Delay(200, Ct);
            if (round == 0)
            {
                sockets = OpenConnections.To(port);
            }
            else
            {
                Assert.True(OpenConnections.To(port) <= sockets + 1, $"connections to port {port} grew from {sockets} to {OpenConnections.To(port)} after round {round + 1}");
            }
        }
    }

    private string NotationConfig(string registry) => $"""
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
        """;

    private static async Task<Dictionary<string, byte[]>> CopyTestbedTrustDataAsync(string gun)
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Testbed.Current["TESTBED_CA_CERT"]);
        using var handler = new HttpClientHandler();
        handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) =>
        {
            if (certificate is null || chain is null)
            {
                return false;
            }

            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        };
        using var client = new HttpClient(handler);
        return await FakeNotaryServer.CopyFromAsync(
            client, new Uri(Testbed.Current["TESTBED_NOTARY_URL"]), gun, ["root", "timestamp", "snapshot", "targets", "targets/releases"], Ct);
    }

    private static async Task<JsonNode> ReviewAsync(WebhookServer server, string image)
    {
        using var content = new StringContent(AdmissionRequests.Pod(image).ToJsonString(), Encoding.UTF8, "application/json");
        using var http = await server.Client.PostAsync("/mutate", content, Ct);
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        return JsonNode.Parse(await http.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static int Port(string authority) => int.Parse(authority[(authority.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join('\n', text.Trim().Split('\n').Select(line => pad + line));
    }
}
