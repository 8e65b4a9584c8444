using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing.Registry;

/// <summary>What a <see cref="DistributionTokenServer"/> signs with and whom it accepts.</summary>
public sealed record DistributionTokenServerOptions
{
    /// <summary>The port on 127.0.0.1 (0: any free port).</summary>
    public int Port { get; init; }

    /// <summary>The TLS certificate (with key) to serve HTTPS with; null for plain HTTP.</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>The token's <c>iss</c>: the registry's <c>auth.token.issuer</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>The token's <c>aud</c> (a string): the registry's <c>auth.token.service</c>.</summary>
    public required string Service { get; init; }

    /// <summary>The signing key (EC P-256/384/521 or RSA).</summary>
    public required AsymmetricAlgorithm SigningKey { get; init; }

    /// <summary>The signing key's certificate, sent as <c>x5c</c>; null sends only <c>kid</c>.</summary>
    public X509Certificate2? SigningCertificate { get; init; }

    /// <summary>User names and passwords accepted with HTTP Basic.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether anonymous requests get the pull access they ask for (else a token without access).</summary>
    public bool AllowAnonymousPull { get; init; }

    /// <summary>The <c>expires_in</c> of tokens, in seconds.</summary>
    public int ExpiresInSeconds { get; init; } = 300;
}
