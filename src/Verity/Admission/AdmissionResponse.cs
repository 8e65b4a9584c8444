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

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Per thread, the buffers and writers of an answer and its patch, reused: writing an answer allocates only
    /// its bytes (an answer is written without awaiting, so a thread writes one at a time).</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>The whole AdmissionReview with this response, in the request's <paramref name="apiVersion"/>.</summary>
    public byte[] ToReviewJson(string apiVersion, bool indented = false)
    {
        var scratch = Scratch.Take();
        var writer = indented ? new Utf8JsonWriter(scratch.Review, WriterOptions with { Indented = true }) : scratch.ReviewWriter;
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
            WritePatch(scratch.PatchWriter);
            writer.WriteBase64String("patch"u8, scratch.Patch.WrittenSpan);
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
        writer.Flush();
        if (indented)
        {
            writer.Dispose();
        }

        var bytes = scratch.Review.WrittenSpan.ToArray();
        Scratch.Give(scratch);
        return bytes;
    }

    /// <summary>The patch as RFC 6902 JSON: <c>[{"op":"replace","path":…,"value":…}]</c>.</summary>
    private void WritePatch(Utf8JsonWriter writer)
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
        writer.Flush();
    }

    private sealed class Scratch
    {
        /// <summary>Buffers that grew past this (an answer naming thousands of images) are not kept.</summary>
        private const int MaxKeptBytes = 64 * 1024;

        private Scratch()
        {
            ReviewWriter = new Utf8JsonWriter(Review, WriterOptions);
            PatchWriter = new Utf8JsonWriter(Patch, WriterOptions);
        }

        public ArrayBufferWriter<byte> Review { get; } = new(1024);

        public ArrayBufferWriter<byte> Patch { get; } = new(512);

        public Utf8JsonWriter ReviewWriter { get; }

        public Utf8JsonWriter PatchWriter { get; }

        /// <summary>This thread's scratch, empty (a new one if another call on this thread holds it).</summary>
        public static Scratch Take()
        {
            var scratch = t_scratch ?? new Scratch();
            t_scratch = null;
            scratch.Review.ResetWrittenCount();
            scratch.Patch.ResetWrittenCount();
            scratch.ReviewWriter.Reset(scratch.Review);
            scratch.PatchWriter.Reset(scratch.Patch);
            return scratch;
        }

        /// <summary>Keeps <paramref name="scratch"/> for this thread's next answer, unless it grew large.</summary>
        public static void Give(Scratch scratch)
        {
            if (scratch.Review.Capacity <= MaxKeptBytes && scratch.Patch.Capacity <= MaxKeptBytes)
            {
                t_scratch = scratch;
            }
        }
    }
}
