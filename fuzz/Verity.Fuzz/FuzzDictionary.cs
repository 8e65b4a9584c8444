using System.Globalization;

namespace Verity.Fuzz;

/// <summary>Reads an AFL dictionary (<c>name="value"</c> or <c>"value"</c> per line, <c>\xNN</c>, <c>\\</c> and <c>\"</c> escapes).</summary>
internal static class FuzzDictionary
{
    public static List<byte[]> Read(string path)
    {
        var tokens = new List<byte[]>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            int open = line.IndexOf('"', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || open < 0 || line[^1] != '"' || open == line.Length - 1)
            {
                continue;
            }

            var value = line[(open + 1)..^1];
            var bytes = new List<byte>();
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length)
                {
                    if (value[i + 1] == 'x' && i + 3 < value.Length)
                    {
                        bytes.Add(byte.Parse(value.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 3;
                    }
                    else
                    {
                        bytes.Add((byte)value[i + 1]);
                        i++;
                    }
                }
                else
                {
                    bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(value[i].ToString()));
                }
            }

            tokens.Add([.. bytes]);
        }

        return tokens;
    }
}
