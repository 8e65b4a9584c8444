using System.Security.Cryptography.X509Certificates;
using Verity.Core.Configuration;
using Verity.Core.Trust;

namespace Verity.Validators.Cosign;

/// <summary><c>type: cosign</c>: sigstore signatures (keys, keyless, transparency log).</summary>
public sealed record CosignValidatorDefinition : ValidatorDefinition
{
    /// <inheritdoc/>
    public override string Type => CosignValidatorType.TypeName;

    /// <summary>The Rekor URL (<c>host.rekor</c>), if configured.</summary>
    public Uri? Rekor { get; init; }

    /// <summary>The Rekor public key (<c>host.rekorPubkey</c>), if configured.</summary>
    public VerificationKey? RekorPublicKey { get; init; }

    /// <summary>The Fulcio roots (<c>host.fulcioCert</c>), if configured.</summary>
    public X509Certificate2Collection? FulcioRoots { get; init; }

    /// <summary>The CT log public key (<c>host.ctLogPubkey</c>), if configured.</summary>
    public VerificationKey? CtLogPublicKey { get; init; }

    /// <summary>CA certificates for the registry's TLS, if set.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Registry credentials.</summary>
    public RegistryAuth? Auth { get; init; }
}
