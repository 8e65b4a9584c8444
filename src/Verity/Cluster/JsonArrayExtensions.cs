using System.Text.Json.Nodes;

namespace Verity.Cluster;

/// <summary><see cref="JsonArray.Add(JsonNode?)"/> for values already made nodes.</summary>
internal static class JsonArrayExtensions
{
    /// <summary>Adds a node. <c>array.Add(new JsonObject())</c> binds to the generic <c>Add&lt;T&gt;</c>, which may need
    /// reflection (and so is refused by the AOT analyzers); this is the non-generic overload.</summary>
    public static void Append(this JsonArray array, JsonNode? node) => array.Add(node);
}
