using System.Text.Json.Serialization;

namespace Verity.Install;

/// <summary>JSON metadata for the cert-manager models (KubernetesClient's own, source-generated, knows only its models).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CertManagerCertificate))]
[JsonSerializable(typeof(CertManagerIssuer))]
internal sealed partial class CertManagerJson : JsonSerializerContext;
