namespace Verity.Testing;

/// <summary>
/// Locates the shared, read-only fixtures (real signatures made by real tools, Connaisseur's test data).
/// </summary>
/// <remarks>
/// The fixtures live outside the repository, in <c>../shared/fixtures</c> next to the checkout, or where
/// <c>VERITY_SHARED_FIXTURES</c> points. They are read in place and never copied into the project.
/// </remarks>
public static class SharedFixtures
{
    private static readonly Lazy<string?> RootPath = new(FindRoot);

    /// <summary>The fixtures folder, or null if it cannot be found.</summary>
    public static string? Root => RootPath.Value;

    /// <summary>Whether the shared fixtures are present.</summary>
    public static bool Available => Root is not null;

    /// <summary>The path of a file or folder below the fixtures root.</summary>
    /// <exception cref="InvalidOperationException">The fixtures are not there.</exception>
    public static string Path(params string[] parts)
    {
        var root = Root ?? throw new InvalidOperationException(
            "the shared fixtures were not found: expected ../shared/fixtures beside the repository, or set VERITY_SHARED_FIXTURES");
        return System.IO.Path.Combine([root, .. parts]);
    }

    /// <summary>A path below Connaisseur's <c>test/testdata</c>.</summary>
    public static string Connaisseur(params string[] parts) => Path(["connaisseur", "test", "testdata", .. parts]);

    private static string? FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("VERITY_SHARED_FIXTURES");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
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
