using System.Text.Json.Serialization;

namespace Verity.Install;

/// <summary>
/// cert-manager's <c>Certificate</c> (<c>cert-manager.io/v1</c>), as far as <c>verity manifests</c> writes one: the
/// fields of the webhook's serving certificate and of the release's own CA. KubernetesClient has no model for it.
/// </summary>
internal sealed class CertManagerCertificate() : CertManagerObject<CertManagerCertificate.CertificateSpec>(KubeKind)
{
    public const string KubeKind = "Certificate";

    /// <summary>The Certificate's <c>spec</c>.</summary>
    internal sealed class CertificateSpec
    {
        [JsonPropertyName("isCA")]
        public bool? IsCA { get; set; }

        [JsonPropertyName("secretName")]
        public string SecretName { get; set; } = string.Empty;

        [JsonPropertyName("commonName")]
        public string? CommonName { get; set; }

        [JsonPropertyName("dnsNames")]
        public IList<string>? DnsNames { get; set; }

        [JsonPropertyName("duration")]
        public string? Duration { get; set; }

        [JsonPropertyName("renewBefore")]
        public string? RenewBefore { get; set; }

        [JsonPropertyName("privateKey")]
        public PrivateKey? PrivateKey { get; set; }

        [JsonPropertyName("usages")]
        public IList<string>? Usages { get; set; }

        [JsonPropertyName("issuerRef")]
        public IssuerReference IssuerRef { get; set; } = new();
    }

    /// <summary><c>spec.privateKey</c>.</summary>
    internal sealed class PrivateKey
    {
        [JsonPropertyName("algorithm")]
        public string? Algorithm { get; set; }

        [JsonPropertyName("size")]
        public int? Size { get; set; }

        [JsonPropertyName("rotationPolicy")]
        public string? RotationPolicy { get; set; }
    }

    /// <summary><c>spec.issuerRef</c>: an Issuer in the Certificate's namespace, or a ClusterIssuer.</summary>
    internal sealed class IssuerReference
    {
        [JsonPropertyName("name")]
        public string Name { get; set; } = string.Empty;

        [JsonPropertyName("kind")]
        public string? Kind { get; set; }

        [JsonPropertyName("group")]
        public string? Group { get; set; }
    }
}
