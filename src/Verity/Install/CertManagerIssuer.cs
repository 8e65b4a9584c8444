using System.Text.Json.Serialization;

namespace Verity.Install;

/// <summary>
/// cert-manager's <c>Issuer</c> (<c>cert-manager.io/v1</c>), as far as <c>verity manifests</c> writes one: self-signed
/// (to make the release's CA) or a CA issuer signing with that CA's Secret. KubernetesClient has no model for it.
/// </summary>
internal sealed class CertManagerIssuer() : CertManagerObject<CertManagerIssuer.IssuerSpec>(KubeKind)
{
    public const string KubeKind = "Issuer";

    /// <summary>The Issuer's <c>spec</c>: exactly one of <see cref="SelfSigned"/> and <see cref="Ca"/>.</summary>
    internal sealed class IssuerSpec
    {
        [JsonPropertyName("selfSigned")]
        public SelfSignedIssuer? SelfSigned { get; set; }

        [JsonPropertyName("ca")]
        public CaIssuer? Ca { get; set; }
    }

    /// <summary><c>spec.selfSigned</c>: no fields.</summary>
    internal sealed class SelfSignedIssuer;

    /// <summary><c>spec.ca</c>: the Secret holding the CA's certificate and key.</summary>
    internal sealed class CaIssuer
    {
        [JsonPropertyName("secretName")]
        public string SecretName { get; set; } = string.Empty;
    }
}
