using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Verity.Logging;

namespace Verity.Hosting;

/// <summary>
/// The server's TLS certificate: from PEM files (re-read when they change, so a rotated Secret takes effect
/// without a restart) or, for local use, generated and self-signed.
/// </summary>
/// <remarks>
/// Each certificate comes with the <see cref="SslStreamCertificateContext"/> the TLS handshakes use: the certificate and
/// the intermediates that follow it in the certificate file, built once per certificate rather than per connection, and
/// started on the thread pool as soon as the certificate is loaded, so that its first-use cost (the chain build reads the
/// system's trust store) is paid while the host starts, not by the first connection.
/// </remarks>
internal sealed class CertificateProvider : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);

    private readonly string? _certFile;
    private readonly string? _keyFile;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private X509Certificate2 _certificate;
    private Task<SslStreamCertificateContext> _context;
    private string _certWritten = "";
    private string _keyWritten = "";
    private long _nextCheck;

    private CertificateProvider(X509Certificate2 certificate, X509Certificate2Collection? chain, string? certFile, string? keyFile, ILogger logger, TimeProvider time)
    {
        _certificate = certificate;
        _context = ContextFor(certificate, chain);
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
        var (certificate, chain) = Load(certFile, keyFile);
        Log.CertificateLoaded(logger, certificate.Subject, certFile, certificate.NotAfter.ToUniversalTime());
        return new CertificateProvider(certificate, chain, certFile, keyFile, logger, time);
    }

    /// <summary>Serves <paramref name="certificate"/>, a self-signed one made by <see cref="CreateSelfSigned"/> (ECDSA P-256,
    /// for localhost and 127.0.0.1, valid for a day), and says so in the log.</summary>
    public static CertificateProvider SelfSigned(X509Certificate2 certificate, ILogger logger, TimeProvider time)
    {
        Log.SelfSignedCertificate(logger, certificate.Subject, certificate.Thumbprint);
        return new CertificateProvider(certificate, null, null, null, logger, time);
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
        return UsableBySslStream(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    /// <summary>The TLS context of the certificate to present now: the certificate and its intermediates.</summary>
    public Task<SslStreamCertificateContext> CurrentContextAsync()
    {
        _ = Current; // notices changed files
        return Volatile.Read(ref _context);
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
                        var (fresh, chain) = Load(_certFile, _keyFile);
                        _certWritten = certWritten;
                        _keyWritten = keyWritten;
                        Volatile.Write(ref _context, ContextFor(fresh, chain));
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

    /// <summary>What the file holds now, as a SHA-256 of its bytes. Not its time or path: a Kubernetes Secret volume's files
    /// are links through <c>..data</c>, which the kubelet points at a new folder on every update (the links themselves
    /// never change), and two writes within one tick of the file system's clock have the same time; the bytes tell an
    /// update whichever way the files were replaced. Two small files read every 10 s.</summary>
    private static string Stamp(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The certificate with its key, and the further certificates of the file (intermediates) in file order.</summary>
    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) Load(string certFile, string keyFile)
    {
        var certificate = UsableBySslStream(X509Certificate2.CreateFromPemFile(certFile, keyFile));
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(certFile);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }

        // The first certificate of the file is the server's own (CreateFromPemFile took it); the rest are intermediates.
        chain.RemoveAt(0);
        return (certificate, chain);
    }

    /// <summary>Starts building the TLS context of <paramref name="certificate"/> on the thread pool; offline: no
    /// intermediates are downloaded (the webhook makes no calls it is not configured to make).</summary>
    private static Task<SslStreamCertificateContext> ContextFor(X509Certificate2 certificate, X509Certificate2Collection? chain) =>
        Task.Run(() => SslStreamCertificateContext.Create(certificate, chain, offline: true));

    /// <summary>On Windows, SChannel needs a key that is not ephemeral, hence a round trip through PKCS#12; elsewhere the
    /// certificate is used as it is.</summary>
    private static X509Certificate2 UsableBySslStream(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
