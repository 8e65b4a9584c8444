using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Verity.Install;

/// <summary>
/// The shell every cert-manager object <c>verity manifests</c> writes shares (<c>cert-manager.io/v1</c>: apiVersion, kind,
/// metadata, spec); KubernetesClient has no models for them.
/// </summary>
/// <typeparam name="TSpec">The object's <c>spec</c>.</typeparam>
internal abstract class CertManagerObject<TSpec>(string kind) : IKubernetesObject<V1ObjectMeta>
    where TSpec : new()
{
    public const string KubeApiVersion = "cert-manager.io/v1";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KubeApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = kind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();
}
