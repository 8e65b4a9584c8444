using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Verity.Core.Alerting;

/// <summary>
/// JSON as Go's <c>encoding/json</c> reads it into <c>map[string]interface{}</c> and writes it back: what Connaisseur
/// does to every rendered alert payload, so that Verity's payloads are byte for byte the same.
/// </summary>
/// <remarks>
/// <para>Values: objects are <see cref="SortedDictionary{TKey,TValue}"/> in Go's key order (bytes of UTF-8, which is
/// code-point order), the last of duplicate keys wins; arrays are lists; numbers read from text are
/// <see cref="double"/> (Go's <c>float64</c>), integers from payload fields are <see cref="long"/>; strings,
/// booleans, null.</para>
/// <para>Writing is <c>json.Marshal</c>: compact, keys sorted, <c>&lt;</c> <c>&gt;</c> <c>&amp;</c> U+2028 U+2029
/// escaped as <c>\u003c</c>…, control characters as <c>\n</c> <c>\r</c> <c>\t</c> <c>\b</c> <c>\f</c> or
/// <c>\u00XX</c>, floats as Go's <c>'f'</c> format between 1e-6 and 1e21 and <c>'e'</c> outside.</para>
/// </remarks>
internal static class GoJson
{
    /// <summary>Deeper payloads are refused (Go allows 10000; no alert needs more, and the reader recurses).</summary>
    public const int MaxDepth = 256;

    private const string Hex = "0123456789abcdef";

    /// <summary>Reads JSON text, or throws <see cref="AlertTemplateException"/>.</summary>
    public static object? Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read())
            {
                throw new AlertTemplateException("unexpected end of JSON input");
            }

            var value = ReadValue(ref reader);
            if (reader.Read())
            {
                throw new AlertTemplateException($"invalid character after top-level value at byte {reader.TokenStartIndex}");
            }

            return value;
        }
        catch (JsonException e)
        {
            throw new AlertTemplateException(e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new AlertTemplateException(e.Message, e);
        }
    }

    /// <summary>A payload field (from the configuration) as a Go value.</summary>
    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new SortedDictionary<string, object?>(o.ToDictionary(p => p.Key, p => FromNode(p.Value)), CodePointComparer.Instance),
        JsonArray a => a.Select(FromNode).ToList(),
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => (long)i,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new AlertTemplateException($"unsupported payload field value {node.ToJsonString()}"),
    };

    /// <summary><c>json.Marshal</c> of a value.</summary>
    public static string Marshal(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    /// <summary>
    /// Connaisseur's <c>JsonEscapeString</c>: the inside of the JSON string literal of <paramref name="value"/>, with
    /// HTML characters left as they are.
    /// </summary>
    public static string EscapeString(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        AppendStringContent(builder, value, escapeHtml: false);
        return builder.ToString();
    }

    private static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var map = new SortedDictionary<string, object?>(CodePointComparer.Instance);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    map[key] = ReadValue(ref reader);
                }

                return map;
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader));
                }

                return list;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                var number = double.Parse(Encoding.UTF8.GetString(reader.ValueSpan), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsInfinity(number))
                {
                    throw new AlertTemplateException($"cannot unmarshal number {Encoding.UTF8.GetString(reader.ValueSpan)} into a float64");
                }

                return number;
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Null:
                return null;
            default:
                throw new AlertTemplateException($"unexpected JSON token {reader.TokenType}");
        }
    }

    private static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case string s:
                builder.Append('"');
                AppendStringContent(builder, s, escapeHtml: true);
                builder.Append('"');
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(FormatFloat(d));
                break;
            case SortedDictionary<string, object?> map:
                builder.Append('{');
                bool first = true;
                foreach (var (key, item) in map)
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    builder.Append('"');
                    AppendStringContent(builder, key, escapeHtml: true);
                    builder.Append("\":");
                    Write(builder, item);
                }

                builder.Append('}');
                break;
            case List<object?> list:
                builder.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, list[i]);
                }

                builder.Append(']');
                break;
            default:
                throw new AlertTemplateException($"cannot marshal a {value.GetType().Name}");
        }
    }

    private static void AppendStringContent(StringBuilder builder, string value, bool escapeHtml)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '\\' or '"':
                    builder.Append('\\').Append(c);
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ':
                case '<' or '>' or '&' when escapeHtml:
                    builder.Append("\\u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                    break;
                case '\u2028':
                    builder.Append("\\u2028");
                    break;
                case '\u2029':
                    builder.Append("\\u2029");
                    break;
                case >= '\uD800' and <= '\uDBFF' when i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]):
                    builder.Append(c).Append(value[++i]);
                    break;
                case >= '\uD800' and <= '\uDFFF':
                    // A lone surrogate is not UTF-8; Go writes invalid UTF-8 as U+FFFD.
                    builder.Append("\\ufffd");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
    }

    /// <summary>Go's <c>encoding/json</c> float64 format.</summary>
    internal static string FormatFloat(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new AlertTemplateException($"unsupported value: {value.ToString(CultureInfo.InvariantCulture)}");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // Shortest round-trip digits and their decimal exponent: value = 0.DIGITS × 10^point.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        int dot = r.IndexOf('.', StringComparison.Ordinal);
        int intDigits = dot >= 0 ? dot : r.Length;
        var digits = r.Replace(".", string.Empty, StringComparison.Ordinal);
        int leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        int point = intDigits - leading + exponent;

        var sign = value < 0 ? "-" : string.Empty;
        double abs = Math.Abs(value);
        if (abs < 1e-6 || abs >= 1e21)
        {
            int exp = point - 1;
            var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            var expText = Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
            if (exp >= 0 && expText.Length < 2)
            {
                expText = "0" + expText; // Go keeps two exponent digits except for e-0X, which json cleans to e-X
            }

            return $"{sign}{mantissa}e{(exp < 0 ? '-' : '+')}{expText}";
        }

        if (point <= 0)
        {
            return sign + "0." + new string('0', -point) + digits;
        }

        if (point >= digits.Length)
        {
            return sign + digits + new string('0', point - digits.Length);
        }

        return sign + digits[..point] + "." + digits[point..];
    }
}
