namespace Verity.Testing;

/// <summary>
/// Locates the shared, read-only fixtures (real signatures made by real tools, Connaisseur's test data).
/// </summary>
/// <remarks>
/// The fixtures live outside the repository, in <c>../shared/fixtures</c> next to the checkout, or where
/// <c>VERITY_SHARED_FIXTURES</c> points. They are read in place and never copied into the project. Where they are
/// absent (a fresh clone), every test that reads them is skipped with <see cref="SkipReason"/> and counted.
/// </remarks>
public static class SharedFixtures
{
    private static readonly Lazy<string?> RootPath = new(FindRoot);

    /// <summary>The fixtures folder, or null if it cannot be found.</summary>
    public static string? Root => RootPath.Value;

    /// <summary>Whether the shared fixtures are present.</summary>
    public static bool Available => Root is not null;

    /// <summary>
    /// Why a test is skipped where the fixtures are absent. <c>scripts/test.sh</c> looks for this text: where the
    /// fixtures are present, no test may be skipped for it.
    /// </summary>
    public const string SkipReason = "real cosign/notation fixtures not present: set VERITY_SHARED_FIXTURES";

    /// <summary>The path of a file or folder below the fixtures root; skips the calling test when the fixtures are absent.</summary>
    public static string Path(params string[] parts)
    {
        var root = Root;
        if (root is null)
        {
            Xunit.Assert.Skip(SkipReason);
        }

        return System.IO.Path.Combine([root, .. parts]);
    }

    /// <summary>Skips the calling test when the fixtures are absent.</summary>
    public static void Require()
    {
        Xunit.Assert.SkipUnless(Available, SkipReason);
    }

    /// <summary>A path below Connaisseur's <c>test/testdata</c>.</summary>
    public static string Connaisseur(params string[] parts) => Path(["connaisseur", "test", "testdata", .. parts]);

    private static string? FindRoot()
    {
        // Set, it decides: a folder that does not exist means "no fixtures" (how a fresh clone is imitated).
        var configured = Environment.GetEnvironmentVariable("VERITY_SHARED_FIXTURES");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
