using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Verity.Validators.Cosign.Json;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785), as Rekor and cosign use it for the signed entry timestamp.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Object members are sorted by their names as arrays of UTF-16 code units (RFC 8785 §3.2.3).</item>
/// <item>Strings are written as ECMAScript <c>JSON.stringify</c> does: only <c>"</c>, <c>\</c> and control
/// characters are escaped, controls as <c>\b \t \n \f \r</c> or <c>\u00xx</c> (§3.2.2.2).</item>
/// <item>Numbers are IEEE 754 doubles written as ECMAScript <c>Number.prototype.toString</c> does (§3.2.2.3);
/// NaN and infinities cannot occur in JSON and <c>-0</c> is written as <c>0</c>.</item>
/// <item>No white space between tokens.</item>
/// </list>
/// </remarks>
internal static class Rfc8785CanonicalJson
{
    /// <summary>The canonical UTF-8 form of <paramref name="element"/>.</summary>
    /// <exception cref="FormatException">A number is out of the double range.</exception>
    public static byte[] Serialize(JsonElement element)
    {
        var builder = new StringBuilder();
        Write(builder, element);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>The canonical form of a JSON text.</summary>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonInput.Parse(utf8, "the document");
        return Serialize(document.RootElement);
    }

    /// <summary>Formats a double as ECMAScript <c>Number.prototype.toString(10)</c> (ECMA-262 §7.1.12.1).</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new FormatException("NaN and infinities have no JSON form");
        }

        if (value == 0)
        {
            return "0";
        }

        // "R" gives the shortest digit string that round-trips, the same digits ECMAScript picks.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = shortest[0] == '-';
        if (negative)
        {
            shortest = shortest[1..];
        }

        int exponentAt = shortest.IndexOfAny(['E', 'e']);
        string mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        int exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = point < 0 ? mantissa : mantissa.Remove(point, 1);

        // value = 0.d1d2...dk × 10^n, with d1 != 0 (ECMA-262's k digits and n).
        int n = (point < 0 ? mantissa.Length : point) + exponent;
        int leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..];
        n -= leading;
        digits = digits.TrimEnd('0');
        int k = digits.Length;

        var result = new StringBuilder(32);
        if (negative)
        {
            result.Append('-');
        }

        if (k <= n && n <= 21)
        {
            result.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            result.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            int e = n - 1;
            result.Append(digits[0]);
            if (k > 1)
            {
                result.Append('.').Append(digits, 1, k - 1);
            }

            result.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }

    private static void Write(StringBuilder builder, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var members = element.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                builder.Append('{');
                for (int i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    WriteString(builder, members[i].Name);
                    builder.Append(':');
                    Write(builder, members[i].Value);
                }

                builder.Append('}');
                break;
            }

            case JsonValueKind.Array:
            {
                builder.Append('[');
                bool first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    Write(builder, item);
                }

                builder.Append(']');
                break;
            }

            case JsonValueKind.String:
                WriteString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(FormatNumber(element.GetDouble()));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                throw new FormatException($"unexpected JSON token {element.ValueKind}");
        }
    }

    private static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])))
            {
                throw new FormatException("a string holds a lone surrogate");
            }

            if (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1])))
            {
                throw new FormatException("a string holds a lone surrogate");
            }

            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
