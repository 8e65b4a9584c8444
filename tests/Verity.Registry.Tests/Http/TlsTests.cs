using System.Security.Cryptography.X509Certificates;
using Verity.Testing;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Http;

/// <summary>Per-validator CA certificates replace the system roots; nothing else is trusted.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private TestPki _pki = null!;
    private TestPki _otherPki = null!;
    private FakeRegistry _registry = null!;

    public async ValueTask InitializeAsync()
    {
        _pki = TestPki.Create("registry");
        _otherPki = TestPki.Create("other");
        _registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = _pki.ServerCertificate });
        _registry.PutImage("test/app", "layer", "latest");
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _pki.Dispose();
        _otherPki.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CustomCa_TrustsTheRegistry()
    {
        using var host = new RegistryTestHost();

        await host.Client(_registry.Settings(ca: _pki.CaCertificate)).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
    }

    [Fact]
    public async Task CustomCa_OfAnotherIssuer_IsRefusedAndNotRetried()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(_registry.Settings(ca: _otherPki.CaCertificate)).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains("TLS handshake refused: the server's TLS certificate does not chain to the configured CA certificate (cert)", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, host.RequestCount);
        Assert.Empty(_registry.Requests);
    }

    [Fact]
    public async Task SystemRoots_DoNotTrustATestCa()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(new RegistryClientSettings { Name = "test" }).ResolveAsync(_registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }

    [Fact]
    public async Task CustomCa_CertificateForAnotherName_IsRefused()
    {
        using var wrongName = _pki.CreateServerCertificate("registry.example");
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = wrongName });
        registry.PutImage("test/app", "layer", "latest");
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(ca: _pki.CaCertificate)).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains("TLS handshake refused: the server's TLS certificate is for another name (CN=registry.example)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomCa_ExpiredCertificate_IsRefusedSayingWhen()
    {
        using var expired = _pki.CreateExpiredServerCertificate("127.0.0.1", "localhost");
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = expired });
        registry.PutImage("test/app", "layer", "latest");
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(ca: _pki.CaCertificate)).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains($"TLS handshake refused: the server's TLS certificate expired on {expired.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC", e.Message, StringComparison.Ordinal);
        Assert.Empty(registry.Requests);
    }

    [Fact]
    public async Task PlainHttpRegistry_NotListedInsecure_IsNotSpokenToOverHttp()
    {
        await using var plain = await FakeRegistry.StartAsync();
        plain.PutImage("test/app", "layer", "latest");
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(new RegistryClientSettings { Name = "test" }).ResolveAsync(plain.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Empty(plain.Requests);
    }

    [Fact]
    public void HandlerNames_SeparatePoolsPerValidatorAndCaSet()
    {
        var names = new Verity.Registry.Http.RegistryHttpClientNames();

        var a = names.Register("cosign", new X509Certificate2Collection(_pki.CaCertificate));
        var again = names.Register("cosign", new X509Certificate2Collection(_pki.CaCertificate));
        var otherCa = names.Register("cosign", new X509Certificate2Collection(_otherPki.CaCertificate));
        var otherValidator = names.Register("notation", new X509Certificate2Collection(_pki.CaCertificate));
        var system = names.Register("cosign", null);

        Assert.Equal(a, again);
        Assert.Equal(5 - 1, new[] { a, otherCa, otherValidator, system }.Distinct().Count());
        Assert.EndsWith("/system", system, StringComparison.Ordinal);
    }
}
