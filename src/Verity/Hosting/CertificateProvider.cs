using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Logging;

namespace Verity.Hosting;

/// <summary>
/// The server's TLS certificate: from PEM files (re-read when they change, so a rotated Secret takes effect
/// without a restart) or, for local use, generated and self-signed.
/// </summary>
internal sealed class CertificateProvider : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);

    private readonly string? _certFile;
    private readonly string? _keyFile;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private X509Certificate2 _certificate;
    private (string Path, DateTime Written) _certWritten;
    private (string Path, DateTime Written) _keyWritten;
    private long _nextCheck;

    private CertificateProvider(X509Certificate2 certificate, string? certFile, string? keyFile, ILogger logger, TimeProvider time)
    {
        _certificate = certificate;
        _certFile = certFile;
        _keyFile = keyFile;
        _logger = logger;
        _time = time;
        if (certFile is not null && keyFile is not null)
        {
            _certWritten = Stamp(certFile);
            _keyWritten = Stamp(keyFile);
        }

        _nextCheck = time.GetTimestamp() + (long)(CheckInterval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Loads the certificate and key from PEM files.</summary>
    /// <exception cref="CryptographicException">The files do not hold a matching certificate and key.</exception>
    public static CertificateProvider FromFiles(string certFile, string keyFile, ILogger logger, TimeProvider time)
    {
        var certificate = Load(certFile, keyFile);
        Log.CertificateLoaded(logger, certificate.Subject, certFile, certificate.NotAfter.ToUniversalTime());
        return new CertificateProvider(certificate, certFile, keyFile, logger, time);
    }

    /// <summary>Generates a self-signed ECDSA P-256 certificate for localhost and 127.0.0.1, valid for a day.</summary>
    public static CertificateProvider SelfSigned(ILogger logger, TimeProvider time)
    {
        var certificate = CreateSelfSigned(time.GetUtcNow());
        Log.SelfSignedCertificate(logger, certificate.Subject, certificate.Thumbprint);
        return new CertificateProvider(certificate, null, null, logger, time);
    }

    /// <summary>Creates a self-signed server certificate for localhost and 127.0.0.1.</summary>
    public static X509Certificate2 CreateSelfSigned(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=verity.localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate to present now.</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (_certFile is null || _keyFile is null || _time.GetTimestamp() < Volatile.Read(ref _nextCheck))
            {
                return Volatile.Read(ref _certificate);
            }

            lock (_lock)
            {
                _nextCheck = _time.GetTimestamp() + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency);
                try
                {
                    var certWritten = Stamp(_certFile);
                    var keyWritten = Stamp(_keyFile);
                    if (certWritten != _certWritten || keyWritten != _keyWritten)
                    {
                        var fresh = Load(_certFile, _keyFile);
                        _certWritten = certWritten;
                        _keyWritten = keyWritten;
                        Volatile.Write(ref _certificate, fresh);
                        Log.CertificateLoaded(_logger, fresh.Subject, _certFile, fresh.NotAfter.ToUniversalTime());
                    }
                }
                catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
                {
                    Log.CertificateReloadFailed(_logger, e, _certFile);
                }

                return _certificate;
            }
        }
    }

    public void Dispose() => _certificate.Dispose();

    /// <summary>The file a path finally names and when it was written. A Kubernetes Secret volume's files are links
    /// through <c>..data</c>, which the kubelet points at a new folder on every update: the links themselves never
    /// change, and .NET reports a link's own time, so the final target is what tells an update.</summary>
    private static (string Path, DateTime Written) Stamp(string path)
    {
        var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        return (target, File.GetLastWriteTimeUtc(target));
    }

    private static X509Certificate2 Load(string certFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
