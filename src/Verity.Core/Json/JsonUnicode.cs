using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Verity.Core.Json;

/// <summary>
/// Finds a string or member name in JSON text that is not valid Unicode: raw bytes that are not UTF-8, or an escape
/// that leaves a lone UTF-16 surrogate (<c>"\ud800"</c>, valid JSON text).
/// </summary>
/// <remarks>
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> accepts both, and
/// <see cref="JsonElement.GetString"/> and <see cref="JsonProperty.Name"/> then throw
/// <see cref="InvalidOperationException"/> wherever code reads such a value, far from where the input came in.
/// Readers of untrusted JSON check the text once, right after it parsed, and refuse it as malformed. No legitimate
/// producer writes such text: Go's <c>encoding/json</c> (Kubernetes, cosign, Rekor) writes U+FFFD instead.
/// </remarks>
public static class JsonUnicode
{
    /// <summary>
    /// The byte offset of the first string or member name in <paramref name="json"/> that is not valid Unicode, or
    /// null when there is none. Text that is not JSON at all is left to the parser (null).
    /// </summary>
    /// <param name="json">The JSON text (UTF-8).</param>
    /// <param name="options">The options the text is parsed with (depth, comments, trailing commas).</param>
    public static long? FindInvalidString(ReadOnlySpan<byte> json, JsonReaderOptions options)
    {
        // ASCII text is valid UTF-8, and without a \u escape no string can hold a lone surrogate: nothing to look for
        // (the common case, checked at vector speed instead of reading every token).
        if (Ascii.IsValid(json) && json.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json, options);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is (JsonTokenType.String or JsonTokenType.PropertyName) && !IsValid(ref reader))
                {
                    return reader.TokenStartIndex;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static bool IsValid(ref Utf8JsonReader reader)
    {
        // Input is one span, so a value is never split across segments.
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(raw);
        }

        // Unescaped text is never longer than its escaped form.
        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            int written = reader.CopyString(buffer);
            return Utf8.IsValid(buffer.AsSpan(0, written));
        }
        catch (InvalidOperationException)
        {
            // An escape that leaves a lone surrogate.
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
