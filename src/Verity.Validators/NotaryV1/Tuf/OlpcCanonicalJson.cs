using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// Canonical JSON exactly as Notary produces it before signing and verifying: the output of
/// <c>github.com/docker/go/canonical/json</c>'s <c>MarshalCanonical</c> applied to the value that
/// <c>json.Unmarshal</c> decodes into <c>map[string]interface{}</c> (notary <c>tuf/signed/verify.go</c>,
/// <c>VerifySignatures</c>).
/// </summary>
/// <remarks>
/// <para>The rules, each one a consequence of that Go code path:</para>
/// <list type="bullet">
/// <item>No insignificant white space.</item>
/// <item>Object members sorted by name, comparing the names' UTF-8 bytes (Go string order).</item>
/// <item>Strings are written as raw UTF-8; only <c>\</c> and <c>"</c> are escaped (as <c>\\</c> and
/// <c>\"</c>). Control characters, <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 are written
/// unescaped, unlike Go's ordinary <c>Marshal</c>.</item>
/// <item>Numbers are decoded as IEEE double (Go <c>float64</c>) and written as the decimal integer
/// <c>int64(f)</c>; a number with a fractional part, or outside the <c>int64</c> range, cannot be
/// canonicalised (Go returns <c>UnsupportedValueError</c>, so the signature never verifies).</item>
/// <item><c>true</c>, <c>false</c> and <c>null</c> as themselves; array order is kept.</item>
/// </list>
/// <para>Where Go would silently tolerate input that has no single meaning, this class refuses it
/// instead of guessing: duplicate member names (Go keeps the last) and strings that are not valid
/// Unicode (Go substitutes U+FFFD) make the value non-canonicalisable, so the signature does not verify.</para>
/// </remarks>
internal static class OlpcCanonicalJson
{
    // 2^63 as a double: int64(f) is only defined for f in [-2^63, 2^63).
    private const double Int64Bound = 9223372036854775808.0;

    /// <summary>The canonical form of <paramref name="element"/>.</summary>
    /// <exception cref="FormatException">The value has no canonical form (see remarks on the type).</exception>
    public static byte[] Serialize(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(element, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The canonical form of the JSON text <paramref name="json"/>.</summary>
    /// <exception cref="FormatException">The text is not JSON, or has no canonical form.</exception>
    public static byte[] Serialize(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, MetadataJson.DocumentOptions);
            return Serialize(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the text is not JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Thrown by the parser's duplicate-member check when a member name is a lone UTF-16 surrogate.
            throw new FormatException("a member name is not valid Unicode", e);
        }
    }

    /// <summary>Appends the canonical form of <paramref name="element"/> to <paramref name="output"/>.</summary>
    /// <exception cref="FormatException">The value has no canonical form.</exception>
    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output);
                break;
            case JsonValueKind.Array:
            {
                output.Write("["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    Write(item, output);
                }

                output.Write("]"u8);
                break;
            }

            case JsonValueKind.String:
                WriteString(ReadString(element), output);
                break;
            case JsonValueKind.Number:
                WriteNumber(element, output);
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            case JsonValueKind.Null:
                output.Write("null"u8);
                break;
            default:
                throw new FormatException($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    /// <summary>Writes <paramref name="value"/> as a canonical JSON string.</summary>
    public static void WriteString(string value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        WriteString(Utf8(value), output);
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output)
    {
        var members = new List<(byte[] Name, JsonElement Value)>();
        foreach (var property in element.EnumerateObject())
        {
            members.Add((Utf8(ReadName(property)), property.Value));
        }

        members.Sort(static (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Name.AsSpan().SequenceEqual(members[i - 1].Name))
                {
                    throw new FormatException($"duplicate member \"{Encoding.UTF8.GetString(members[i].Name)}\"");
                }

                output.Write(","u8);
            }

            WriteString(members[i].Name, output);
            output.Write(":"u8);
            Write(members[i].Value, output);
        }

        output.Write("}"u8);
    }

    private static void WriteString(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b is (byte)'\\' or (byte)'"')
            {
                output.Write(utf8[start..i]);
                output.Write("\\"u8);
                start = i;
            }
        }

        output.Write(utf8[start..]);
        output.Write("\""u8);
    }

    private static void WriteNumber(JsonElement element, IBufferWriter<byte> output)
    {
        // Go decodes every number into a float64 and MarshalCanonical writes int64(f): "1.0", "1e2" and
        // "100" all become 100, and integers above 2^53 lose precision exactly as they do in Notary.
        if (!element.TryGetDouble(out var value) || double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new FormatException($"the number {element.GetRawText()} is out of range");
        }

        if (Math.Floor(value) != value)
        {
            throw new FormatException($"the number {element.GetRawText()} is not an integer");
        }

        if (value >= Int64Bound || value < -Int64Bound)
        {
            throw new FormatException($"the number {element.GetRawText()} does not fit in 64 bits");
        }

        Span<byte> digits = stackalloc byte[24];
        ((long)value).TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Write(digits[..written]);
    }

    private static string ReadName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("a member name is not valid Unicode", e);
        }
    }

    private static string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("a string is not valid Unicode", e);
        }
    }

    private static byte[] Utf8(string value)
    {
        try
        {
            return MetadataJson.StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new FormatException("a string is not valid Unicode", e);
        }
    }
}
