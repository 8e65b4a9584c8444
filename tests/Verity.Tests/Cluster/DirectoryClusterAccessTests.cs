using System.Text;
using Verity.Cluster;
using Verity.Core.Cluster;

namespace Verity.Tests.Cluster;

/// <summary>The cluster port's file-based implementation for local use (<c>serve --secrets-dir</c>).</summary>
public sealed class DirectoryClusterAccessTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("verity-cluster-");

    public void Dispose() => _root.Delete(recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetSecret_FolderPerNamespaceAndName_ReturnsItsFiles()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "team-a", "cosign"));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "cosign.pub"), "pem", Ct);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "..data"), "projection link", Ct);

        var data = await new DirectoryClusterAccess(_root.FullName).GetSecretAsync("team-a", "cosign", Ct);

        Assert.Equal("pem", Encoding.UTF8.GetString(Assert.Single(data!).Value));
    }

    [Fact]
    public async Task GetSecret_Absent_ReturnsNull()
    {
        Assert.Null(await new DirectoryClusterAccess(_root.FullName).GetSecretAsync("team-a", "absent", Ct));
    }

    [Theory]
    [InlineData("..", "secret")]
    [InlineData("team-a", "../../etc")]
    [InlineData("team-a", "UPPER")]
    public async Task GetSecret_NameThatLeavesTheRoot_IsRefused(string @namespace, string name)
    {
        await Assert.ThrowsAsync<ClusterAccessException>(async () => await new DirectoryClusterAccess(_root.FullName).GetSecretAsync(@namespace, name, Ct));
    }
}
