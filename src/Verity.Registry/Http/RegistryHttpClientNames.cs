using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Registry.Http;

/// <summary>
/// The named <see cref="HttpClient"/> configurations of registry clients: one per (validator, CA set), each with its own
/// <see cref="SocketsHttpHandler"/> and connection pool.
/// </summary>
/// <remarks>
/// A name is <c>Verity.Registry/&lt;validator&gt;/&lt;hash of the CA certificates or "system"&gt;</c>, so a configuration
/// reload that changes a validator's CA gets a new pool while unchanged validators keep their warm connections.
/// <see cref="ConfigureRegistryHttpClients"/> reads the CA set of a name from here when
/// <see cref="IHttpClientFactory"/> first builds it.
/// </remarks>
internal sealed class RegistryHttpClientNames
{
    public const string Prefix = "Verity.Registry/";

    private readonly ConcurrentDictionary<string, X509Certificate2Collection?> _trust = new(StringComparer.Ordinal);

    /// <summary>Registers the configuration of a client and returns its name.</summary>
    public string Register(string validatorName, X509Certificate2Collection? caCertificates)
    {
        var roots = caCertificates is { Count: > 0 } ? caCertificates : null;
        var name = Prefix + validatorName + "/" + Fingerprint(roots);
        _trust.TryAdd(name, roots is null ? null : new X509Certificate2Collection(roots));
        return name;
    }

    /// <summary>The CA set of a registered name (null: system roots); false if the name is not a registry client's.</summary>
    public bool TryGetTrust(string name, out X509Certificate2Collection? caCertificates)
    {
        return _trust.TryGetValue(name, out caCertificates);
    }

    private static string Fingerprint(X509Certificate2Collection? roots)
    {
        if (roots is null)
        {
            return "system";
        }

        var hashes = roots.Select(c => Convert.ToHexStringLower(c.GetCertHash(HashAlgorithmName.SHA256))).Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(string.Join(",", hashes))))[..16];
    }
}
