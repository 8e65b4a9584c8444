using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Verity.Core.Policy;

/// <summary>
/// A glob matched against a whole string (anchored at both ends).
/// </summary>
/// <remarks>
/// The syntax is that of <c>gobwas/glob</c> without separators, which Connaisseur uses: <c>*</c> matches any
/// sequence of characters including <c>/</c>, <c>:</c> and <c>@</c>; <c>?</c> matches one character;
/// <c>[abc]</c>, <c>[a-z]</c> and <c>[!abc]</c> (or <c>[^abc]</c>) match one character of or outside a
/// class; <c>{a,b}</c> matches any of its alternatives, which may contain globs; <c>\</c> escapes the next
/// character. The glob is compiled once to a non-backtracking regular expression, so matching an
/// attacker-chosen image name takes time linear in its length.
/// </remarks>
public sealed class Glob
{
    private static readonly System.Buffers.SearchValues<char> MetaCharacters = System.Buffers.SearchValues.Create("*?[]{}\\");

    private readonly Regex _regex;

    private Glob(string pattern, Regex regex, bool isMatchAll)
    {
        Pattern = pattern;
        _regex = regex;
        IsMatchAll = isMatchAll;
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>Whether the glob consists only of <c>*</c> and so matches every string.</summary>
    public bool IsMatchAll { get; }

    /// <summary>Whether <paramref name="value"/> matches the whole glob.</summary>
    public bool IsMatch(string value) => IsMatchAll || _regex.IsMatch(value);

    /// <summary>Whether <paramref name="c"/> has a meaning in a glob.</summary>
    public static bool IsMeta(char c) => c is '*' or '?' or '[' or ']' or '{' or '}' or '\\';

    /// <summary>Whether <paramref name="text"/> contains any glob metacharacter.</summary>
    public static bool HasMeta(ReadOnlySpan<char> text) => text.IndexOfAny(MetaCharacters) >= 0;

    /// <summary>Compiles a glob; on failure <paramref name="error"/> names the problem.</summary>
    public static bool TryCreate(
        string pattern, [NotNullWhen(true)] out Glob? glob, [NotNullWhen(false)] out string? error)
    {
        glob = null;
        var regex = new StringBuilder("^(?:");
        int position = 0;
        if (!TryTranslate(pattern, ref position, regex, insideBraces: false, out var translateError))
        {
            error = translateError ?? $"glob \"{pattern}\" is invalid";
            return false;
        }

        error = null;

        regex.Append(")$");
        bool matchAll = pattern.Length > 0 && pattern.AsSpan().IndexOfAnyExcept('*') < 0;
        glob = new Glob(
            pattern,
            new Regex(regex.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline),
            matchAll);
        return true;
    }

    private static bool TryTranslate(string pattern, ref int i, StringBuilder regex, bool insideBraces, out string? error)
    {
        error = null;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    i++;
                    break;
                case '?':
                    regex.Append('.');
                    i++;
                    break;
                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        error = $"glob \"{pattern}\" ends with an unfinished escape \"\\\"";
                        return false;
                    }

                    regex.Append(Regex.Escape(pattern[i + 1].ToString()));
                    i += 2;
                    break;
                case '[':
                    if (!TryTranslateClass(pattern, ref i, regex, out error))
                    {
                        return false;
                    }

                    break;
                case ']':
                    error = $"glob \"{pattern}\" has \"]\" at position {i + 1} without a matching \"[\"";
                    return false;
                case '{':
                    i++;
                    regex.Append("(?:");
                    while (true)
                    {
                        if (!TryTranslate(pattern, ref i, regex, insideBraces: true, out error))
                        {
                            return false;
                        }

                        if (i >= pattern.Length)
                        {
                            error = $"glob \"{pattern}\" has an unclosed \"{{\"";
                            return false;
                        }

                        if (pattern[i] == ',')
                        {
                            regex.Append('|');
                            i++;
                            continue;
                        }

                        // pattern[i] == '}'
                        regex.Append(')');
                        i++;
                        break;
                    }

                    break;
                case '}' when insideBraces:
                case ',' when insideBraces:
                    return true;
                case '}':
                    error = $"glob \"{pattern}\" has \"}}\" at position {i + 1} without a matching \"{{\"";
                    return false;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    i++;
                    break;
            }
        }

        return true;
    }

    private static bool TryTranslateClass(string pattern, ref int i, StringBuilder regex, out string? error)
    {
        int start = i;
        i++; // '['
        var cls = new StringBuilder("[");
        if (i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^'))
        {
            cls.Append('^');
            i++;
        }

        int members = 0;
        while (i < pattern.Length && pattern[i] != ']')
        {
            char c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    break;
                }

                c = pattern[++i];
            }

            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                char end = pattern[i + 2];
                if (end < c)
                {
                    error = $"glob \"{pattern}\" has the reversed range \"{c}-{end}\" at position {i + 1}";
                    return false;
                }

                cls.Append(EscapeInClass(c)).Append('-').Append(EscapeInClass(end));
                i += 3;
            }
            else
            {
                cls.Append(EscapeInClass(c));
                i++;
            }

            members++;
        }

        if (i >= pattern.Length)
        {
            error = $"glob \"{pattern}\" has an unclosed \"[\" at position {start + 1}";
            return false;
        }

        if (members == 0)
        {
            error = $"glob \"{pattern}\" has an empty character class at position {start + 1}";
            return false;
        }

        i++; // ']'
        regex.Append(cls).Append(']');
        error = null;
        return true;
    }

    private static string EscapeInClass(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
}
