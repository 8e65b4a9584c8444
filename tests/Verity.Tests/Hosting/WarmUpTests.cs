using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Verity.Caching;
using Verity.Hosting;

namespace Verity.Tests.Hosting;

/// <summary>
/// The start-up warm-up: <c>/ready</c> answers 503 until it has finished, a Notary server that cannot be reached (or
/// does not answer) does not keep the server from becoming ready, and the synthetic reviews leave no trace.
/// </summary>
public sealed class WarmUpTests
{
    private const string StaticConfig = """
        validators:
          - name: allow
            type: static
            approve: true
        policy:
          - pattern: "*:*"
            validator: allow
          - pattern: "registry.example/team/*"
            validator: allow
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_Is503UntilTheWarmUpHasFinished()
    {
        var type = new GatedWarmUpValidatorType();
        var dir = Directory.CreateTempSubdirectory("verity-warmup-");
        try
        {
            var config = Path.Combine(dir.FullName, "config.yaml");
            await File.WriteAllTextAsync(config, """
                validators:
                  - name: gated
                    type: gated
                policy:
                  - pattern: "*:*"
                    validator: gated
                """, Ct);
            await using var app = WebhookHost.Build(
                new ServeOptions { ConfigFile = config, Urls = ["https://127.0.0.1:0"], LogLevel = "error", ReloadInterval = TimeSpan.Zero },
                services => services.AddValidatorType(type));
            var starting = app.StartAsync(Ct);
            await type.WarmUpStarted.Task.WaitAsync(Ct);
            using var client = PinningClient(app);

            using (var health = await client.GetAsync("/health", Ct))
            using (var warming = await client.GetAsync("/ready", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, warming.StatusCode);
                Assert.Equal("warming up\n", await warming.Content.ReadAsStringAsync(Ct));
            }

            type.Gate.SetResult();
            await starting;
            using var ready = await client.GetAsync("/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            await app.StopAsync(Ct);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Ready_NotaryHostOnAClosedPort_DoesNotBlockReadiness()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }

        await using var server = await WebhookServer.StartAsync(NotaryConfig($"https://127.0.0.1:{closedPort}"), realValidators: true);

        using var ready = await server.Client.GetAsync("/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Ready_NotaryHostThatNeverAnswers_DoesNotBlockReadiness()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptTcpClientAsync(Ct));
            }
        }, Ct);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        await using var server = await WebhookServer.StartAsync(
            NotaryConfig($"https://127.0.0.1:{port}"), realValidators: true, warmUpTimeout: TimeSpan.FromMilliseconds(300));

        using var ready = await server.Client.GetAsync("/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        silent.Stop();
        accepted.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task WarmUp_LeavesNoCachedVerdictsAndNoCountedRequests()
    {
        await using var server = await WebhookServer.StartAsync(StaticConfig, realValidators: true);

        Assert.Equal(0, server.Services.GetRequiredService<VerdictCache>().Count);
        var metrics = await server.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains("connaisseur_requests_total 0", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("connaisseur_validations_total{", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesFor_EveryRule_GetsAnImageThatRuleMatches()
    {
        var loader = new Verity.Core.Configuration.ConfigLoader(new Verity.Core.Configuration.ValidatorTypeRegistry(Verity.Validators.BuiltInValidatorTypes.All));
        var configuration = loader.Parse(StaticConfig, "test");
        var snapshot = new Verity.Core.Configuration.PolicySnapshot(
            configuration, System.Collections.Frozen.FrozenDictionary<string, Verity.Core.Validation.IValidator>.Empty, DateTimeOffset.UnixEpoch, 1);

        var images = StartupWarmUp.ImagesFor(snapshot);

        Assert.Equal(["warmup:warmup", "registry.example/team/warmup"], images);
        Assert.All(images, image => Assert.NotNull(snapshot.Policy.FindRule(Verity.Core.Images.ImageReference.Parse(image))));
    }

    private static string NotaryConfig(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportSubjectPublicKeyInfoPem().Replace("\n", "\n            ", StringComparison.Ordinal);
        return $"""
            validators:
              - name: notary
                type: notaryv1
                host: {host}
                trustRoots:
                  - name: default
                    key: |
                        {pem}
            policy:
              - pattern: "*:*"
                validator: notary
            """;
    }

    private static HttpClient PinningClient(WebApplication app)
    {
        var thumbprint = app.Services.GetRequiredService<CertificateProvider>().Current.GetCertHashString();
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint,
            },
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(WebhookHost.Addresses(app)[0]), Timeout = TimeSpan.FromSeconds(30) };
    }
}
