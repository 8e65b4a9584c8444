using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;

namespace Verity.Registry;

/// <summary>What one validator's registry client is configured with: its name, credentials and TLS trust.</summary>
/// <remarks>
/// Built by a validator factory from its <see cref="ValidatorDefinition"/> (e.g. <c>CosignValidatorDefinition.Auth</c>
/// and <c>.CaCertificates</c>). Clients with the same <see cref="Name"/> and CA set share one connection pool.
/// </remarks>
public sealed record RegistryClientSettings
{
    /// <summary>The validator's name: names the connection pool, appears in logs and metrics.</summary>
    public required string Name { get; init; }

    /// <summary>Credentials: inline user/password for <see cref="RegistryAuth.Registry"/>, and/or a secret. Null means anonymous.</summary>
    public RegistryAuth? Auth { get; init; }

    /// <summary>
    /// CA certificates that replace the system roots for this client's TLS connections (registries, token services and
    /// blob redirect targets alike). Null or empty means the system roots.
    /// </summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>
    /// Registries (<c>host[:port]</c>, as in image references) this client talks to over plain HTTP, and token
    /// services or redirect targets it may reach over plain HTTP. Everything else is HTTPS only. Dangerous:
    /// credentials and content travel unprotected.
    /// </summary>
    public ImmutableArray<string> InsecureHttpRegistries { get; init; } = [];

    /// <summary>
    /// The registry that credentials without a registry (inline auth without <c>registry</c>, a <c>secret.yaml</c>
    /// without <c>registry</c>) apply to; the notaryv1 validator sets its Notary host. Null drops such credentials
    /// instead of sending them to every registry.
    /// </summary>
    public string? UnscopedCredentialsRegistry { get; init; }

    /// <summary>A description without secrets.</summary>
    public override string ToString()
    {
        return $"registry client \"{Name}\" ({Auth?.ToString() ?? "anonymous"}, "
            + (CaCertificates is { Count: > 0 } ca ? $"{ca.Count} CA certificate(s)" : "system roots")
            + (InsecureHttpRegistries.IsDefaultOrEmpty ? string.Empty : ", insecure HTTP for " + string.Join(", ", InsecureHttpRegistries))
            + ")";
    }
}
