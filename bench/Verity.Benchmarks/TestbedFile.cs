using System.Text.Json;

namespace Verity.Benchmarks;

/// <summary>The test bed's <c>testbed.json</c> (<c>VERITY_TESTBED</c>: the file or its folder; default <c>/tmp/verity-testbed</c>).</summary>
internal static class TestbedFile
{
    public static Dictionary<string, string> Load()
    {
        var path = Environment.GetEnvironmentVariable("VERITY_TESTBED") is { Length: > 0 } configured ? configured : "/tmp/verity-testbed";
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, "testbed.json");
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"no test bed at {path}: start it with tests/harness/up.sh or set VERITY_TESTBED");
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!;
    }

    public static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join('\n', text.Trim().Split('\n').Select(line => pad + line.TrimEnd('\r')));
    }
}
