using System.Text;
using Verity.Testing;

namespace Verity.Tests.Install;

/// <summary>docs/troubleshooting.md lists every denial a validator can make: each <c>ValidationOutcome.Denied(…)</c> in src/.</summary>
public sealed class TroubleshootingDocTests
{
    [Fact]
    public void TroubleshootingDoc_ListsEveryValidatorDenialMessage()
    {
        var doc = File.ReadAllText(RepositoryPaths.Path("docs", "troubleshooting.md"));
        var missing = new List<string>();
        var sites = 0;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Path("src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var name = Path.GetFileName(file);
            for (var at = text.IndexOf("ValidationOutcome.Denied(", StringComparison.Ordinal); at >= 0; at = text.IndexOf("ValidationOutcome.Denied(", at + 1, StringComparison.Ordinal))
            {
                sites++;
                var argument = Argument(text, at + "ValidationOutcome.Denied(".Length);
                var chunks = LiteralChunks(argument).Where(c => c.Trim().Length >= 4).ToList();
                if (chunks.Count == 0)
                {
                    var expression = string.Join(' ', argument.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
                    if (!doc.Contains($"{name}: {expression}", StringComparison.Ordinal))
                    {
                        missing.Add($"{name}: {expression} (a computed message: name it as \"{name}: {expression}\")");
                    }
                }
                else
                {
                    missing.AddRange(chunks.Where(c => !doc.Contains(c.Trim(), StringComparison.Ordinal)).Select(c => $"{name}: \"{c.Trim()}\""));
                }
            }
        }

        Assert.True(sites >= 10, $"only {sites} denials found: is the search still looking at the right code?");
        Assert.True(missing.Count == 0, "docs/troubleshooting.md lacks:\n" + string.Join('\n', missing));
    }

    /// <summary>The text of the call's first argument, up to the matching parenthesis or a top-level comma.</summary>
    private static string Argument(string text, int start)
    {
        var depth = 0;
        var i = start;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = SkipString(text, i);
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth-- == 0)
                {
                    break;
                }
            }
            else if (c == ',' && depth == 0)
            {
                break;
            }
        }

        return text[start..i].Trim();
    }

    private static int SkipString(string text, int quote)
    {
        var interpolated = quote > 0 && text[quote - 1] == '$';
        var depth = 0;
        for (var i = quote + 1; i < text.Length; i++)
        {
            if (depth > 0)
            {
                if (text[i] == '"')
                {
                    i = SkipString(text, i);
                }
                else if (text[i] == '{')
                {
                    depth++;
                }
                else if (text[i] == '}')
                {
                    depth--;
                }
            }
            else if (text[i] == '\\')
            {
                i++;
            }
            else if (interpolated && text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        return text.Length - 1;
    }

    /// <summary>The literal text of every string literal in an expression, interpolation holes cut out.</summary>
    private static IEnumerable<string> LiteralChunks(string expression)
    {
        for (var i = 0; i < expression.Length; i++)
        {
            if (expression[i] != '"')
            {
                continue;
            }

            var end = SkipString(expression, i);
            var interpolated = i > 0 && expression[i - 1] == '$';
            var chunk = new StringBuilder();
            var depth = 0;
            for (var j = i + 1; j < end; j++)
            {
                var c = expression[j];
                if (depth > 0)
                {
                    if (c == '"')
                    {
                        j = SkipString(expression, j);
                    }
                    else if (c == '{')
                    {
                        depth++;
                    }
                    else if (c == '}')
                    {
                        depth--;
                    }
                }
                else if (interpolated && c == '{')
                {
                    depth++;
                    yield return chunk.ToString();
                    chunk.Clear();
                }
                else if (c == '\\' && j + 1 < end)
                {
                    j++;
                    chunk.Append(expression[j] == 'n' ? ' ' : expression[j]);
                }
                else
                {
                    chunk.Append(c);
                }
            }

            yield return chunk.ToString();
            i = end;
        }
    }
}
