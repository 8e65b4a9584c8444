using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Registry.Http;

/// <summary>Builds the <see cref="SocketsHttpHandler"/> of a registry client.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>TLS 1.2 or 1.3 only.</item>
/// <item>With CA certificates, they <em>replace</em> the system roots: the server chain is rebuilt with
/// <see cref="X509ChainTrustMode.CustomRootTrust"/> and the server-authentication EKU; the host name must still match.
/// Revocation is not checked (private CAs rarely publish CRLs; the system-roots path keeps .NET's default).</item>
/// <item>No automatic redirects, cookies or decompression; keep-alive connections pooled for
/// <see cref="RegistryClientOptions.PooledConnectionLifetime"/>.</item>
/// </list>
/// </remarks>
internal static class RegistryHttpHandler
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

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
            var roots = new X509Certificate2Collection(caCertificates);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(roots, certificate, chain, errors);
        }

        return handler;
    }

    /// <summary>Validates a server certificate against <paramref name="roots"/> only.</summary>
    internal static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            // No certificate, or a name mismatch: no trust store can fix that.
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (chain is not null)
        {
            // The intermediates the server sent.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (certificate is X509Certificate2 leaf)
        {
            return custom.Build(leaf);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(copy);
    }
}
