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
            // A refusal is thrown, not returned, so that its reason (expired, another name, another CA) reaches the
            // error message instead of .NET's "rejected by the provided RemoteCertificateValidationCallback".
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Validate(roots, certificate, chain, errors, out var refusal) ? true : throw new AuthenticationException(refusal);
        }

        return handler;
    }

    /// <summary>Validates a server certificate against <paramref name="roots"/> only.</summary>
    internal static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Validate(roots, certificate, chain, errors, out _);

    /// <summary>Validates a server certificate against <paramref name="roots"/> only, saying why when it is refused.</summary>
    internal static bool Validate(
        X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string refusal)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            refusal = "the server sent no TLS certificate";
            return false;
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            // No trust store can fix that.
            refusal = $"the server's TLS certificate is for another name ({Subject(certificate)})";
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

        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var leaf = copy ?? (X509Certificate2)certificate;
        if (custom.Build(leaf))
        {
            refusal = string.Empty;
            return true;
        }

        refusal = Refusal(leaf, custom.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (all, one) => all | one));
        return false;
    }

    private static string Refusal(X509Certificate2 leaf, X509ChainStatusFlags status)
    {
        var now = DateTime.UtcNow;
        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            return leaf.NotAfter.ToUniversalTime() < now
                ? $"the server's TLS certificate expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC"
                : leaf.NotBefore.ToUniversalTime() > now
                    ? $"the server's TLS certificate is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC"
                    : "a certificate of the server's TLS chain is outside its validity period";
        }

        if (status.HasFlag(X509ChainStatusFlags.NotValidForUsage))
        {
            return "the server's TLS certificate is not for server authentication";
        }

        if (status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain))
        {
            return "the server's TLS certificate does not chain to the configured CA certificate (cert)";
        }

        return $"the server's TLS certificate is not trusted ({status})";
    }

    private static string Subject(X509Certificate certificate)
    {
        var subject = certificate.Subject;
        return subject.Length <= 200 ? subject : subject[..200] + "…";
    }
}
