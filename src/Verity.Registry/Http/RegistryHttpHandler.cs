using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Registry.Http;

/// <summary>Builds the <see cref="SocketsHttpHandler"/> of a registry client.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>TLS 1.2 or 1.3 only.</item>
/// <item>With CA certificates, they <em>replace</em> the system roots (<see cref="ServerCertificateValidation"/>); the
/// host name must still match.</item>
/// <item>No automatic redirects, cookies or decompression; keep-alive connections pooled for
/// <see cref="RegistryClientOptions.PooledConnectionLifetime"/>.</item>
/// </list>
/// </remarks>
internal static class RegistryHttpHandler
{
    public static SocketsHttpHandler Create(X509Certificate2Collection? caCertificates, RegistryClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            MaxResponseHeadersLength = 64,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            },
        };

        if (caCertificates is { Count: > 0 })
        {
            // A refusal is thrown, not returned, so that its reason (expired, another name, another CA) reaches the
            // error message instead of .NET's "rejected by the provided RemoteCertificateValidationCallback".
            handler.SslOptions.RemoteCertificateValidationCallback = ServerCertificateValidation.Callback(caCertificates);
        }

        return handler;
    }
}
