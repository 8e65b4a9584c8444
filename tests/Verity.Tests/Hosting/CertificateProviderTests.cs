using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Verity.Hosting;

namespace Verity.Tests.Hosting;

/// <summary>
/// The webhook's certificate files are re-read when they change, as a Kubernetes Secret volume changes them (a new
/// timestamped folder, then the <c>..data</c> link swapped to it): a renewed certificate (cert-manager, <c>helm upgrade</c>,
/// <c>verity manifests | kubectl apply</c>) is served without a restart, and a broken pair keeps the old one.
/// </summary>
public sealed class CertificateProviderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-certs-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _dir.Delete(recursive: true);

    private string CertFile => Path.Combine(_dir.FullName, "tls.crt");

    private string KeyFile => Path.Combine(_dir.FullName, "tls.key");

    /// <summary>Writes the pair as the kubelet does: into a new folder, then points <c>..data</c> at it; <c>tls.crt</c> and
    /// <c>tls.key</c> are links through <c>..data</c>.</summary>
    private void Publish(X509Certificate2 certificate, string? keyPem = null, string version = "1")
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, $"..2026_{version}"));
        File.WriteAllText(Path.Combine(folder.FullName, "tls.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder.FullName, "tls.key"), keyPem ?? certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        // The kubelet renames a new link over ..data (atomic); .NET cannot rename a link to a folder, so: remove, link.
        var data = Path.Combine(_dir.FullName, "..data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data);
        }

        Directory.CreateSymbolicLink(data, folder.Name);
        if (!File.Exists(CertFile))
        {
            File.CreateSymbolicLink(CertFile, "..data/tls.crt");
            File.CreateSymbolicLink(KeyFile, "..data/tls.key");
        }
    }

    [Fact]
    public void SecretVolumeUpdated_NewCertificateIsServedAfterTheCheckInterval()
    {
        using var first = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        Publish(first);
        using var provider = CertificateProvider.FromFiles(CertFile, KeyFile, NullLogger.Instance, _time);
        Assert.Equal(first.Thumbprint, provider.Current.Thumbprint);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first.Thumbprint, provider.Current.Thumbprint); // nothing changed
        using var renewed = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        Publish(renewed, version: "2");
        Assert.Equal(first.Thumbprint, provider.Current.Thumbprint); // the files are checked at most every 10 s

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(renewed.Thumbprint, provider.Current.Thumbprint);
    }

    [Fact]
    public void FilesReplacedWithinOneClockTick_NewCertificateIsStillNoticed()
    {
        using var first = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        Publish(first);
        using var provider = CertificateProvider.FromFiles(CertFile, KeyFile, NullLogger.Instance, _time);
        var written = File.GetLastWriteTimeUtc(CertFile);

        // Replaced in place, and the file system's clock did not move on in between (same modification time).
        using var renewed = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        var folder = Path.Combine(_dir.FullName, "..2026_1");
        File.WriteAllText(Path.Combine(folder, "tls.crt"), renewed.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.key"), renewed.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.SetLastWriteTimeUtc(Path.Combine(folder, "tls.crt"), written);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "tls.key"), written);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(renewed.Thumbprint, provider.Current.Thumbprint);
    }

    [Fact]
    public void SecretVolumeUpdatedWithAKeyThatDoesNotMatch_KeepsServingTheOldCertificate()
    {
        using var first = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        Publish(first);
        using var provider = CertificateProvider.FromFiles(CertFile, KeyFile, NullLogger.Instance, _time);

        _time.Advance(TimeSpan.FromMinutes(1));
        using var renewed = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        using var other = CertificateProvider.CreateSelfSigned(_time.GetUtcNow());
        Publish(renewed, keyPem: other.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), version: "2");
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(first.Thumbprint, provider.Current.Thumbprint);

        // Once the pair matches again, it is served.
        Publish(renewed, version: "3");
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(renewed.Thumbprint, provider.Current.Thumbprint);
    }
}
