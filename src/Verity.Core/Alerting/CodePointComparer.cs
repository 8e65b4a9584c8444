namespace Verity.Core.Alerting;

/// <summary>Orders strings by Unicode code point, which is the byte order of their UTF-8 (Go's string order).</summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            int a = Next(x, ref i);
            int b = Next(y, ref j);
            if (a != b)
            {
                return a.CompareTo(b);
            }
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int Next(string s, ref int i)
    {
        char c = s[i++];
        if (char.IsHighSurrogate(c) && i < s.Length && char.IsLowSurrogate(s[i]))
        {
            return char.ConvertToUtf32(c, s[i++]);
        }

        return char.IsSurrogate(c) ? 0xFFFD : c;
    }
}
