using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Verity.Hosting;

namespace Verity.Tests.Hosting;

/// <summary>
/// A webhook certificate issued by an intermediate CA (a <c>tls.crt</c> holding the server's certificate followed by the
/// intermediate, as cert-manager and most CAs write it) is served with its intermediate, so an API server whose
/// <c>caBundle</c> holds only the root can build the chain; HTTP/2 is still offered through ALPN.
/// </summary>
public sealed class TlsChainTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-chain-");
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _leaf;

    public TlsChainTests()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Verity Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        _root = rootRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Verity Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        intermediateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediateRequest.PublicKey, false));
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, true, false));
        using (var issued = intermediateRequest.Create(_root, now.AddHours(-1), now.AddDays(1), [1]))
        {
            _intermediate = issued.CopyWithPrivateKey(intermediateKey);
        }

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=verity.verity.svc", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("verity.verity.svc");
        san.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_intermediate, true, false));
        using (var issued = leafRequest.Create(_intermediate, now.AddHours(-1), now.AddHours(20), [2]))
        {
            _leaf = issued.CopyWithPrivateKey(leafKey);
        }

        File.WriteAllText(CertFile, _leaf.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(KeyFile, leafKey.ExportPkcs8PrivateKeyPem());
    }

    private string CertFile => Path.Combine(_dir.FullName, "tls.crt");

    private string KeyFile => Path.Combine(_dir.FullName, "tls.key");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _leaf.Dispose();
        _intermediate.Dispose();
        _root.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task CertificateFileWithIntermediate_ContextHoldsTheIntermediate()
    {
        using var provider = CertificateProvider.FromFiles(CertFile, KeyFile, NullLogger.Instance, new FakeTimeProvider(DateTimeOffset.UtcNow));

        var context = await provider.CurrentContextAsync();

        Assert.Equal(_leaf.Thumbprint, context.TargetCertificate.Thumbprint);
        Assert.Contains(context.IntermediateCertificates, c => c.Thumbprint == _intermediate.Thumbprint);
    }

    [Fact]
    public async Task RenewedFiles_ContextFollowsTheCertificate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var provider = CertificateProvider.FromFiles(CertFile, KeyFile, NullLogger.Instance, time);
        using var renewed = CertificateProvider.CreateSelfSigned(time.GetUtcNow());
        File.WriteAllText(CertFile, renewed.ExportCertificatePem());
        File.WriteAllText(KeyFile, renewed.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.SetLastWriteTimeUtc(CertFile, DateTime.UtcNow.AddMinutes(1));
        File.SetLastWriteTimeUtc(KeyFile, DateTime.UtcNow.AddMinutes(1));

        time.Advance(TimeSpan.FromSeconds(11));
        var context = await provider.CurrentContextAsync();

        Assert.Equal(renewed.Thumbprint, context.TargetCertificate.Thumbprint);
        Assert.Empty(context.IntermediateCertificates);
    }

    [Fact]
    public async Task Serve_CertificateFromAnIntermediate_ClientTrustingOnlyTheRootBuildsTheChain_OverHttp2()
    {
        var config = Path.Combine(_dir.FullName, "config.yaml");
        await File.WriteAllTextAsync(config, "validators:\n  - name: allow\n    type: static\n    approve: true\npolicy:\n  - pattern: \"*:*\"\n    validator: allow\n", Ct);
        await using var app = WebhookHost.Build(new ServeOptions
        {
            ConfigFile = config,
            Urls = ["https://127.0.0.1:0"],
            LogLevel = "error",
            TlsCertFile = CertFile,
            TlsKeyFile = KeyFile,
            WarmUpTimeout = TimeSpan.Zero,
        });
        await app.StartAsync(Ct);

        bool? trusted = null;
        using var handler = new SocketsHttpHandler();
        // The client knows only the root, as an API server with the root in its caBundle does, and builds the chain with
        // what the server sent (SslStream puts the sent certificates in the chain's extra store).
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, sent, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            foreach (var element in sent!.ChainPolicy.ExtraStore)
            {
                chain.ChainPolicy.ExtraStore.Add(element);
            }

            trusted = chain.Build((X509Certificate2)presented!);
            return trusted.Value;
        };
        using var client = new HttpClient(handler)
        {
            BaseAddress = new Uri(WebhookHost.Addresses(app)[0]),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await client.GetAsync("/health", Ct);

        Assert.True(trusted);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        await app.StopAsync(Ct);
    }
}
