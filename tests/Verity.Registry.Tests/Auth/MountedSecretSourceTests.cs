using System.Text;
using Verity.Registry.Auth;

namespace Verity.Registry.Tests.Auth;

public sealed class MountedSecretSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("verity-secrets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task GetSecretAsync_KubernetesProjectedLayout_ReadsTheVisibleFiles()
    {
        // What the kubelet writes: ..<timestamp>/ with the files, ..data -> it, and one symlink per key.
        var secret = Path.Combine(_root, "regcred");
        var timestamped = Path.Combine(secret, "..2026_11_22_17_00_00.000000001");
        Directory.CreateDirectory(timestamped);
        await File.WriteAllTextAsync(Path.Combine(timestamped, ".dockerconfigjson"), "{\"auths\":{}}", TestContext.Current.CancellationToken);
        Directory.CreateSymbolicLink(Path.Combine(secret, "..data"), timestamped);
        File.CreateSymbolicLink(Path.Combine(secret, ".dockerconfigjson"), Path.Combine("..data", ".dockerconfigjson"));

        var data = await new MountedSecretSource(_root).GetSecretAsync("regcred", TestContext.Current.CancellationToken);

        Assert.NotNull(data);
        Assert.Equal([".dockerconfigjson"], data.Keys);
        Assert.Equal("{\"auths\":{}}", Encoding.UTF8.GetString(data[".dockerconfigjson"]));
    }

    [Fact]
    public async Task GetSecretAsync_MissingSecret_ReturnsNull()
    {
        Assert.Null(await new MountedSecretSource(_root).GetSecretAsync("absent", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("UPPER")]
    [InlineData("")]
    public async Task GetSecretAsync_NameThatIsNotAKubernetesName_IsRefused(string name)
    {
        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await new MountedSecretSource(_root).GetSecretAsync(name, TestContext.Current.CancellationToken));
    }
}
