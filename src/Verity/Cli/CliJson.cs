using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Verity.Cli;

/// <summary>JSON metadata of what the one-shot commands read and write (source-generated: no reflection).</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CliJson : JsonSerializerContext;
