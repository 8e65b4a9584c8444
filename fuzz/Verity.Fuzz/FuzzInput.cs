using System.Text;

namespace Verity.Fuzz;

/// <summary>How targets turn the fuzzer's bytes into the text their entry points take.</summary>
internal static class FuzzInput
{
    /// <summary>
    /// The bytes as text: UTF-8 (invalid sequences become U+FFFD, as a reader of UTF-8 would), or, after a leading
    /// 0xFF byte, UTF-16LE code units taken as they are, so that lone surrogates and other text UTF-8 cannot carry
    /// reach entry points that take strings from a JSON or YAML reader.
    /// </summary>
    public static string Text(ReadOnlySpan<byte> input)
    {
        if (input.Length > 0 && input[0] == 0xFF)
        {
            var units = input[1..];
            var chars = new char[units.Length / 2];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)(units[2 * i] | (units[(2 * i) + 1] << 8));
            }

            return new string(chars);
        }

        return Encoding.UTF8.GetString(input);
    }

    /// <summary>Splits <paramref name="input"/> at each occurrence of <paramref name="separator"/>.</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> input, byte separator)
    {
        var parts = new List<byte[]>();
        while (true)
        {
            int at = input.IndexOf(separator);
            if (at < 0)
            {
                parts.Add(input.ToArray());
                return parts;
            }

            parts.Add(input[..at].ToArray());
            input = input[(at + 1)..];
        }
    }
}
