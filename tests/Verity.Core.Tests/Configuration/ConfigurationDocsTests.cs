using System.Text.RegularExpressions;
using Verity.Testing;

namespace Verity.Core.Tests.Configuration;

/// <summary>docs/configuration.md documents every key the loader accepts, and the loader accepts every documented key.</summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string EveryKey = Path.Combine(AppContext.BaseDirectory, "Configuration", "TestData", "every-key.yaml");

    [Fact]
    public void EveryKeyFile_Loads()
    {
        var config = TestConfig.Loader.Load(EveryKey);
        Assert.Empty(config.Warnings);
        Assert.Equal(4, config.Validators.Length);
    }

    [Fact]
    public void EveryKeyOfTheLoader_IsDocumented()
    {
        var docs = File.ReadAllText(RepositoryPaths.Path("docs", "configuration.md"));
        var keys = KeyRegex().Matches(File.ReadAllText(EveryKey))
            .Select(m => m.Groups["key"].Value)
            // payloadFields' content (e.g. "channel") and label names (e.g. "env") are the user's own, not configuration keys.
            .Where(k => k is not ("application" or "kubernetes" or "channel" or "env"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(keys.Count > 40, $"only {keys.Count} keys found");
        var missing = keys.Where(k => !docs.Contains($"`{k}", StringComparison.Ordinal) && !docs.Contains($".{k}`", StringComparison.Ordinal) && !docs.Contains($".{k}[", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not in docs/configuration.md: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"^\s*(?:- )?(?<key>[A-Za-z][A-Za-z0-9]*):", RegexOptions.Multiline)]
    private static partial Regex KeyRegex();
}
