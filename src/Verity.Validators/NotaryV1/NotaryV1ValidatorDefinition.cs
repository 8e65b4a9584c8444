using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;

namespace Verity.Validators.NotaryV1;

/// <summary><c>type: notaryv1</c>: Docker Content Trust signatures from a Notary server.</summary>
public sealed record NotaryV1ValidatorDefinition : ValidatorDefinition
{
    /// <summary>The default Notary server.</summary>
    public static readonly Uri DefaultHost = new("https://notary.docker.io");

    /// <inheritdoc/>
    public override string Type => NotaryV1ValidatorType.TypeName;

    /// <summary>The Notary server's base URL.</summary>
    public Uri Host { get; init; } = DefaultHost;

    /// <summary>CA certificates that replace the system roots for the Notary server, if set.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Credentials for the Notary server.</summary>
    public RegistryAuth? Auth { get; init; }

    /// <summary>Accepted for compatibility with Connaisseur v2 (<c>is_acr</c>); Verity's token handling needs no flag.</summary>
    public bool IsAcr { get; init; }
}
