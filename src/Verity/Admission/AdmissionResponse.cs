using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Verity.Admission;

/// <summary>The response half of an AdmissionReview, and its JSON form.</summary>
internal sealed record AdmissionResponse
{
    public required string Uid { get; init; }

    public required bool Allowed { get; init; }

    /// <summary>The denial message (<c>status.message</c>), if any.</summary>
    public string? Message { get; init; }

    /// <summary>The JSON Patch operations as (path, value) replacements, in spec order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Patches { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Whether the request was denied because its deadline passed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The patch as RFC 6902 JSON: <c>[{"op":"replace","path":…,"value":…}]</c>.</summary>
    public byte[] PatchJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128 * Patches.Count + 2);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var (path, value) in Patches)
            {
                writer.WriteStartObject();
                writer.WriteString("op"u8, "replace"u8);
                writer.WriteString("path"u8, path);
                writer.WriteString("value"u8, value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The whole AdmissionReview with this response, in the request's <paramref name="apiVersion"/>.</summary>
    public byte[] ToReviewJson(string apiVersion, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, apiVersion);
            writer.WriteString("kind"u8, "AdmissionReview"u8);
            writer.WriteStartObject("response"u8);
            writer.WriteString("uid"u8, Uid);
            writer.WriteBoolean("allowed"u8, Allowed);
            if (Message is not null)
            {
                writer.WriteStartObject("status"u8);
                writer.WriteNumber("code"u8, Allowed ? 200 : 403);
                writer.WriteString("message"u8, Message);
                writer.WriteEndObject();
            }

            if (Patches.Count > 0)
            {
                writer.WriteString("patchType"u8, "JSONPatch"u8);
                writer.WriteBase64String("patch"u8, PatchJson());
            }

            if (Warnings.Count > 0)
            {
                writer.WriteStartArray("warnings"u8);
                foreach (var warning in Warnings)
                {
                    writer.WriteStringValue(warning);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
