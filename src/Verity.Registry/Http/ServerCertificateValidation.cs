using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Registry.Http;

/// <summary>
/// Checks a TLS server certificate and, when it is refused, says why in one line (for another name, expired on a date,
/// not chaining to the configured CA), for every outbound HTTPS client: registries, Notary, the Kubernetes API, alert
/// receivers.
/// </summary>
/// <remarks>
/// With CA certificates, they <em>replace</em> the system roots: the server chain is rebuilt with
/// <see cref="X509ChainTrustMode.CustomRootTrust"/> and the server-authentication EKU. The host name must match either
/// way (no trust store can fix another name). Revocation is not checked against private CAs (they rarely publish CRLs);
/// the system-roots path keeps .NET's own verdict and only explains it.
/// </remarks>
public static class ServerCertificateValidation
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>
    /// A callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/> that accepts what
    /// <see cref="Validate"/> accepts and throws <see cref="AuthenticationException"/> with the reason otherwise, so that
    /// the reason reaches the error message instead of .NET's "rejected by the provided RemoteCertificateValidationCallback".
    /// </summary>
    /// <param name="roots">The only CAs to trust; null for the system roots.</param>
    public static RemoteCertificateValidationCallback Callback(X509Certificate2Collection? roots)
    {
        var copy = roots is { Count: > 0 } ? new X509Certificate2Collection(roots) : null;
        return (_, certificate, chain, errors) => Validate(copy, certificate, chain, errors, out var refusal) ? true : throw new AuthenticationException(refusal);
    }

    /// <summary>Validates a server certificate against <paramref name="roots"/> (null: the system roots), saying why when it is refused.</summary>
    public static bool Validate(
        X509Certificate2Collection? roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string refusal)
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

        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var leaf = copy ?? (X509Certificate2)certificate;
        if (roots is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                refusal = string.Empty;
                return true;
            }

            var system = chain?.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (all, one) => all | one) ?? X509ChainStatusFlags.NoError;
            refusal = Refusal(leaf, system, "does not chain to a trusted root");
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

        if (custom.Build(leaf))
        {
            refusal = string.Empty;
            return true;
        }

        refusal = Refusal(leaf, custom.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (all, one) => all | one), "does not chain to the configured CA certificate (cert)");
        return false;
    }

    private static string Refusal(X509Certificate2 leaf, X509ChainStatusFlags status, string untrusted)
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
            return $"the server's TLS certificate {untrusted}";
        }

        return $"the server's TLS certificate is not trusted ({status})";
    }

    private static string Subject(X509Certificate certificate)
    {
        var subject = certificate.Subject;
        return subject.Length <= 200 ? subject : subject[..200] + "…";
    }
}
