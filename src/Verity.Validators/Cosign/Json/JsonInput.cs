using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Verity.Core.Json;

namespace Verity.Validators.Cosign.Json;

/// <summary>
/// Reads untrusted JSON (bundles, Rekor bodies, payloads, trusted roots) strictly: duplicate keys, comments,
/// trailing commas and excessive nesting are refused, and every missing or mistyped field is reported with its path.
/// </summary>
/// <remarks>
/// Duplicate keys are refused because two parsers that pick different duplicates see two different documents
/// (a classic signature-bypass shape). Field readers throw <see cref="FormatException"/> with a message naming
/// the path; the readers' public entry points catch it once and turn it into an error value.
/// </remarks>
internal static class JsonInput
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>Parses a JSON document; the caller disposes it.</summary>
    /// <exception cref="FormatException">The bytes are not one strict JSON document, or a string or member name in it
    /// is not valid Unicode (which <see cref="JsonElement.GetString"/> would throw <see cref="InvalidOperationException"/> for).</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-member check unescapes member names, and throws this for a lone UTF-16 surrogate.
            throw new FormatException($"{what} has a member name that is not valid Unicode", e);
        }

        if (JsonUnicode.FindInvalidString(utf8.Span, ReaderOptions) is { } offset)
        {
            document.Dispose();
            throw new FormatException($"{what} has a string at byte {offset} that is not valid Unicode (not UTF-8, or a lone surrogate escape)");
        }

        return document;
    }

    /// <summary>Requires <paramref name="element"/> to be an object.</summary>
    public static JsonElement RequireObject(JsonElement element, string path)
    {
        return element.ValueKind == JsonValueKind.Object
            ? element
            : throw new FormatException($"{path} must be an object, not {Describe(element)}");
    }

    /// <summary>A required object member.</summary>
    public static JsonElement Object(JsonElement parent, string name, string path)
    {
        return RequireObject(Required(parent, name, path), path + "." + name);
    }

    /// <summary>An optional object member (absent or null gives false).</summary>
    public static bool TryObject(JsonElement parent, string name, string path, out JsonElement value)
    {
        if (!parent.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        RequireObject(value, path + "." + name);
        return true;
    }

    /// <summary>A required, non-empty string member.</summary>
    public static string String(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{path}.{name} must be a string, not {Describe(value)}");
        }

        var text = value.GetString()!;
        return text.Length > 0 ? text : throw new FormatException($"{path}.{name} is empty");
    }

    /// <summary>An optional string member (absent or null gives null).</summary>
    public static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"{path}.{name} must be a string, not {Describe(value)}");
    }

    /// <summary>A required member holding base64 (standard, or URL-safe as protobuf JSON allows).</summary>
    public static byte[] Base64(JsonElement parent, string name, string path)
    {
        var text = String(parent, name, path);
        return DecodeBase64(text) ?? throw new FormatException($"{path}.{name} is not base64");
    }

    /// <summary>Decodes standard or URL-safe base64, with or without padding; null if it is neither.</summary>
    public static byte[]? DecodeBase64(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            return null;
        }

        if (System.Buffers.Text.Base64.IsValid(text))
        {
            return Convert.FromBase64String(text);
        }

        var standard = text.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        return System.Buffers.Text.Base64.IsValid(standard) ? Convert.FromBase64String(standard) : null;
    }

    /// <summary>A required integer member, written as a JSON number or (protobuf JSON int64) a decimal string.</summary>
    public static long Int64(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        if (TryInt64(value, out var number))
        {
            return number;
        }

        throw new FormatException($"{path}.{name} must be an integer, not {Describe(value)}");
    }

    /// <summary>An optional integer member.</summary>
    public static long? OptionalInt64(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return TryInt64(value, out var number)
            ? number
            : throw new FormatException($"{path}.{name} must be an integer, not {Describe(value)}");
    }

    /// <summary>A required array member.</summary>
    public static JsonElement Array(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        return value.ValueKind == JsonValueKind.Array
            ? value
            : throw new FormatException($"{path}.{name} must be an array, not {Describe(value)}");
    }

    /// <summary>An optional array member; absent or null gives an empty enumeration.</summary>
    public static IEnumerable<JsonElement> OptionalArray(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new FormatException($"{path}.{name} must be an array, not {Describe(value)}");
    }

    /// <summary>Refuses members other than <paramref name="allowed"/>.</summary>
    public static void OnlyKnown(JsonElement obj, string path, params ReadOnlySpan<string> allowed)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw new FormatException($"{path} has an unknown field \"{property.Name}\"");
            }
        }
    }

    /// <summary>Runs a reader and turns its <see cref="FormatException"/> into an error value.</summary>
    public static bool Try<T>(Func<T> read, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            value = read();
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            value = null;
            error = e.Message;
            return false;
        }
    }

    private static JsonElement Required(JsonElement parent, string name, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} must be an object, not {Describe(parent)}");
        }

        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new FormatException($"{path}.{name} is missing");
        }

        return value;
    }

    private static bool TryInt64(JsonElement value, out long number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out number),
            JsonValueKind.String => long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
