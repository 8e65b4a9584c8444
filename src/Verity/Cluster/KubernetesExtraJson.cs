using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;

namespace Verity.Cluster;

/// <summary>
/// JSON metadata that KubernetesClient's own source-generated context lacks: the free-form JSON of custom objects
/// (policy reports are written as <see cref="JsonObject"/> and read back as <see cref="JsonElement"/>), model fields typed
/// <see cref="JsonElement"/> (a CRD schema's <c>default</c> and <c>example</c>, which <c>verity manifests</c> writes).
/// No reflection: the same metadata serves the JIT and the Native AOT builds.
/// </summary>
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class KubernetesExtraJson : JsonSerializerContext
{
    private static int _registered;

    /// <summary>Adds this context to <see cref="KubernetesJson"/>'s options, once per process; called by the types that
    /// serialise with them before they first do (the options cannot change once used).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            KubernetesJson.AddJsonOptions(options => options.TypeInfoResolverChain.Add(Default));
        }
    }
}
