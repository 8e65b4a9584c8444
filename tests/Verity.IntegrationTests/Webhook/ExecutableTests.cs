using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing;

namespace Verity.IntegrationTests.Webhook;

/// <summary>The built executable, started as its own process, answering over a loopback socket.</summary>
[Trait("Category", "Integration")]
public sealed class ExecutableTests : IDisposable
{
    private const string Config = """
        application:
          validators:
            - name: allow
              type: static
              approve: true
            - name: deny
              type: static
              approve: false
          policy:
            - pattern: "*:*"
              validator: deny
            - pattern: "my.reg/allow-me"
              validator: allow
          logFormat: json
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-exe-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Serve_AnswersAdmissionReviewsOverHttps_AndStopsGracefully()
    {
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, Config, Ct);
        await using var verity = VerityProcess.Start("serve", "--config", config, "--urls", "https://127.0.0.1:0");
        var url = await verity.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        using var client = VerityProcess.PinningClient(url);

        using var ready = await client.GetAsync("/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        async Task<JsonNode> Review(string image)
        {
            var body = AdmissionReviews.Pod("test-connaisseur", image).ToJsonString();
            using var response = await client.PostAsync("/mutate", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
        }

        var allowed = await Review("my.reg/allow-me:1");
        Assert.True(allowed["allowed"]!.GetValue<bool>());
        var denied = await Review("my.reg/deny-me@sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff");
        Assert.False(denied["allowed"]!.GetValue<bool>());
        Assert.Contains("image \"my.reg/deny-me@sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff\" denied: static deny", denied["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(0, await verity.StopAsync(TimeSpan.FromSeconds(30)));

        // Every decision is a structured JSON log line naming the image, the verdict and the reason.
        var decisions = verity.Output.Split('\n')
            .Where(l => l.Contains("\"EventId\":1001", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!["State"]!)
            .ToList();
        var deny = Assert.Single(decisions, d => d["Verdict"]!.GetValue<string>() == "denied");
        Assert.Equal("my.reg/deny-me@sha256:91ac9b26df583762234c1cdb2fc930364754ccc59bc752a2bfe298d2ea68f9ff", deny["Image"]!.GetValue<string>());
        Assert.Equal("test-connaisseur", deny["NamespaceName"]!.GetValue<string>());
        Assert.Equal("Pod", deny["Kind"]!.GetValue<string>());
        Assert.Contains("static deny", deny["Reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(deny["User"]);
    }

    [Fact]
    public async Task Serve_WithCertificateFiles_PresentsThatCertificate()
    {
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, Config, Ct);
        using var certificate = Verity.Hosting.CertificateProvider.CreateSelfSigned(DateTimeOffset.UtcNow);
        var certFile = Path.Combine(_dir.FullName, "tls.crt");
        var keyFile = Path.Combine(_dir.FullName, "tls.key");
        await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(keyFile, System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(certificate)!.ExportPkcs8PrivateKeyPem(), Ct);

        await using var verity = VerityProcess.Start("serve", "--config", config, "--urls", "https://127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile);
        var url = await verity.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        string? presented = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, c, _, _) => (presented = c?.GetCertHashString()) == certificate.GetCertHashString(),
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = url };

        using var health = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(certificate.GetCertHashString(), presented);
        Assert.DoesNotContain("self-signed", verity.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BrokenConfig_ExitsWith2AndNamesTheError()
    {
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, "validators:\n  - name: x\n", Ct);

        var (code, _, error) = await VerityProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--config", config);

        Assert.Equal(2, code);
        Assert.Contains("validators[0].type: the validator \"x\" is missing a type", error, StringComparison.Ordinal);
    }
}
