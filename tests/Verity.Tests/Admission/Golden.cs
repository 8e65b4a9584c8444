using Verity.Testing;

namespace Verity.Tests.Admission;

/// <summary>Golden files: compare with the recorded file, or re-record when <c>VERITY_UPDATE_GOLDEN=1</c>.</summary>
internal static class Golden
{
    public static void Check(string relativePath, string actual)
    {
        var source = RepositoryPaths.Path("tests", "Verity.Tests", relativePath);
        if (Environment.GetEnvironmentVariable("VERITY_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual);
            return;
        }

        Assert.True(File.Exists(source), $"no golden file {relativePath}; record it with VERITY_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(source), actual);
    }
}
