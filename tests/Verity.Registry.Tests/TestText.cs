namespace Verity.Registry.Tests;

/// <summary>Fills <c>$1</c>, <c>$2</c>, … in JSON templates (raw string interpolation fights JSON's braces).</summary>
internal static class TestText
{
    public static string Sub(string template, params string[] values)
    {
        for (var i = values.Length; i >= 1; i--)
        {
            template = template.Replace("$" + i, values[i - 1], StringComparison.Ordinal);
        }

        return template;
    }
}
