namespace Verity.Testing;

/// <summary>Paths inside this repository, found from the test's output folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root (the folder holding <c>Verity.slnx</c>).</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path below the repository root.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Verity.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Verity.slnx not found above " + AppContext.BaseDirectory);
    }
}
