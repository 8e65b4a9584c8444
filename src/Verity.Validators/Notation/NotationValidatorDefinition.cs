using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;

namespace Verity.Validators.Notation;

/// <summary><c>type: notation</c>: Notary Project signatures (JWS or COSE envelopes) under X.509 trust roots.</summary>
public sealed record NotationValidatorDefinition : ValidatorDefinition
{
    /// <inheritdoc/>
    public override string Type => NotationValidatorType.TypeName;

    /// <summary>CA certificates for the registry's TLS (<c>cert</c>), if set.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Registry credentials (<c>auth</c>).</summary>
    public RegistryAuth? Auth { get; init; }
}
