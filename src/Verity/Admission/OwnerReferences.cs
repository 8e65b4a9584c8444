using System.Text.Json;
using Verity.Core.Cluster;

namespace Verity.Admission;

/// <summary>Reads the controlling owner of an object (<c>metadata.ownerReferences[]</c> with <c>controller: true</c>).</summary>
internal static class OwnerReferences
{
    /// <summary>The controlling owner, or null when there is none or it is incomplete.</summary>
    public static OwnerReference? Controller(JsonElement? obj)
    {
        if (obj is not { ValueKind: JsonValueKind.Object } o
            || !o.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object
            || !metadata.TryGetProperty("ownerReferences", out var owners) || owners.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var owner in owners.EnumerateArray())
        {
            if (owner.ValueKind == JsonValueKind.Object
                && owner.TryGetProperty("controller", out var controller) && controller.ValueKind == JsonValueKind.True
                && Text(owner, "apiVersion") is { } apiVersion && Text(owner, "kind") is { } kind
                && Text(owner, "name") is { } name && Text(owner, "uid") is { } uid)
            {
                return new OwnerReference(apiVersion, kind, name, uid);
            }
        }

        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
