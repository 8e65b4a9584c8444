using System.Globalization;
using System.Text;

namespace Verity.Core.Validation;

/// <summary>
/// Makes text that may come from a registry, a Notary server or a signature (annotations, subjects, error bodies)
/// safe to put into a denial message or a log line: control characters escaped, length capped.
/// </summary>
/// <remarks>
/// A server controls such text. Unbounded, it can flood the API server's response and the logs; with control
/// characters (line breaks, ANSI escapes), it can forge log lines or a terminal's display. Applied once, where a
/// validator's reason or an exception's message becomes part of a verdict.
/// </remarks>
public static class DisplayText
{
    /// <summary>The most characters kept of one reason.</summary>
    public const int MaxLength = 1024;

    /// <summary>The text with control characters written as <c>\uXXXX</c> and cut to <paramref name="maxLength"/> characters.</summary>
    public static string Clean(string? text, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        bool clean = text.Length <= maxLength;
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        foreach (var c in text)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append("… (cut at ").Append(maxLength.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
                break;
            }

            if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
