using System.Text.Json;

namespace Verity.Testing;

/// <summary>
/// The running test bed (registry, Notary, Redis, sigstore mocks) started by <c>tests/harness/up.sh</c>.
/// </summary>
/// <remarks>
/// The harness writes every URL, digest and key path to <c>WORK_DIR/testbed.json</c>; tests read it through
/// this class. The file is found from <c>VERITY_TESTBED</c> (the JSON file or its folder), else
/// <c>/tmp/verity-testbed/testbed.json</c>. Integration tests fail, not skip, when it is missing:
/// <c>scripts/test.sh</c> always starts the harness first.
/// </remarks>
public sealed class Testbed
{
    /// <summary>The default work folder of the harness.</summary>
    public const string DefaultWorkDir = "/tmp/verity-testbed";

    private static readonly Lazy<Testbed> Instance = new(Load);

    private readonly Dictionary<string, string> _values;

    private Testbed(string file, Dictionary<string, string> values)
    {
        File = file;
        _values = values;
    }

    /// <summary>The test bed of this run.</summary>
    /// <exception cref="InvalidOperationException">No test bed is running.</exception>
    public static Testbed Current => Instance.Value;

    /// <summary>The JSON file the values came from.</summary>
    public string File { get; }

    /// <summary>A value by its name, e.g. <c>TESTBED_REGISTRY</c>.</summary>
    public string this[string name] => _values.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"the test bed ({File}) has no value {name}");

    /// <summary>A value by its name, or null.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>The contents of the file a value names.</summary>
    public string ReadFile(string name) => System.IO.File.ReadAllText(this[name]);

    /// <summary>All values.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    private static Testbed Load()
    {
        var configured = Environment.GetEnvironmentVariable("VERITY_TESTBED");
        var path = string.IsNullOrEmpty(configured) ? System.IO.Path.Combine(DefaultWorkDir, "testbed.json") : configured;
        if (Directory.Exists(path))
        {
            path = System.IO.Path.Combine(path, "testbed.json");
        }

        if (!System.IO.File.Exists(path))
        {
            throw new InvalidOperationException(
                $"the test bed is not running ({path} not found): start it with tests/harness/up.sh, or run scripts/test.sh");
        }

        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(System.IO.File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is empty");
        return new Testbed(path, values.ToDictionary(e => e.Key, e => e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString()! : e.Value.GetRawText()));
    }
}
