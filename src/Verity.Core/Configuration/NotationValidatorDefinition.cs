using System.Security.Cryptography.X509Certificates;

namespace Verity.Core.Configuration;

/// <summary><c>type: notation</c>: Notary Project signatures with X.509 trust roots.</summary>
public sealed record NotationValidatorDefinition : ValidatorDefinition
{
    /// <summary>The type name.</summary>
    public const string TypeName = "notation";

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>CA certificates for the registry's TLS, if set.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Registry credentials.</summary>
    public RegistryAuth? Auth { get; init; }
}
