using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing;
using Verity.Testing.Notary;
using Verity.Testing.Registry;
using static Verity.Tests.Cli.CliRun;

namespace Verity.Tests.Cli;

/// <summary><c>verity notary root-key</c> against the test bed's real Notary server and a fake one.</summary>
[Trait("Category", "Integration")]
public sealed class NotaryCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NotaryUrl => Testbed.Current["TESTBED_NOTARY_URL"];

    private static string CaFile => Testbed.Current["TESTBED_CA_CERT"];

    private static string RootKeyPem => Testbed.Current.ReadFile("TESTBED_NOTARY_ROOT_PUB_PEM");

    [Theory]
    [InlineData("TESTBED_NOTARY_GUN")]
    [InlineData("TESTBED_NOTARY_GUN_PLAIN")]
    public async Task NotaryRootKey_TestbedCollection_PrintsTheKeyTheTestbedDerivedWithOpenssl(string gunVariable)
    {
        // Both collections hold the one root key pair in certificates with different key IDs.
        var (code, output, error) = await Run("notary", "root-key", "--server", NotaryUrl, "--ca", CaFile, Testbed.Current[gunVariable]);

        Assert.True(code == 0, error);
        Assert.Equal(RootKeyPem.Trim(), output.Trim());
        Assert.Empty(error);
    }

    [Fact]
    public async Task NotaryRootKey_RepositoryWithoutTrustData_Exits1()
    {
        var gun = $"{Testbed.Current["TESTBED_REGISTRY"]}/test/never-signed";

        var (code, output, error) = await Run("notary", "root-key", "--server", NotaryUrl, "--ca", CaFile, gun);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal(
            $"verity: no trust data for GUN \"{gun}\" on Notary server {new Uri(NotaryUrl).Authority}: there is no root.json (the repository is not signed)",
            error.TrimEnd());
    }

    [Fact]
    public async Task NotaryRootKey_ServerCertificateNotTrusted_Exits1()
    {
        var (code, output, error) = await Run("notary", "root-key", "--server", NotaryUrl, Testbed.Current["TESTBED_NOTARY_GUN"]);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith($"verity: root.json of GUN \"{Testbed.Current["TESTBED_NOTARY_GUN"]}\": could not reach Notary server", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task NotaryRootKey_BasicAuthServer_ReadsThePasswordFromStandardInput()
    {
        await using var server = await FakeNotaryServer.StartAsync(new FakeNotaryServerOptions
        {
            Auth = FakeRegistryAuth.Basic, Username = "alice", Password = "s3cret",
        });
        var gun = Testbed.Current["TESTBED_NOTARY_GUN"];
        server.Put(gun, "root", await File.ReadAllBytesAsync(Path.Combine(Testbed.Current["TESTBED_NOTARY_TUF_DIR"], "root.json"), Ct));

        var (code, output, error) = await Run(
            new StringReader("s3cret\n"), "notary", "root-key", "--server", server.BaseUri.AbsoluteUri, "--username", "alice", "--password-stdin", gun);

        Assert.True(code == 0, error);
        Assert.Equal(RootKeyPem.Trim(), output.Trim());
        Assert.All(server.Requests.Skip(1), r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret")), r.Authorization));
    }

    [Fact]
    public async Task NotaryRootKey_RootAlteredAfterSigning_Exits1()
    {
        await using var server = await FakeNotaryServer.StartAsync();
        var gun = Testbed.Current["TESTBED_NOTARY_GUN"];
        var root = JsonNode.Parse(await File.ReadAllBytesAsync(Path.Combine(Testbed.Current["TESTBED_NOTARY_TUF_DIR"], "root.json"), Ct))!;
        root["signed"]!["version"] = root["signed"]!["version"]!.GetValue<long>() + 1;
        server.Put(gun, "root", Encoding.UTF8.GetBytes(root.ToJsonString()));

        var (code, output, error) = await Run("notary", "root-key", "--server", server.BaseUri.AbsoluteUri, gun);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"verity: root.json of GUN \"{gun}\" on Notary server {server.Authority} cannot be trusted: root has 0 of 1 required valid signatures", error.TrimEnd());
    }

    [Theory]
    [InlineData("username without --password-stdin", "--server", "https://notary.example", "--username", "alice", "docker.io/library/nginx")]
    [InlineData("no --server", "docker.io/library/nginx")]
    [InlineData("server is not http(s)", "--server", "ftp://notary.example", "docker.io/library/nginx")]
    [InlineData("GUN with a digest", "--server", "https://notary.example", "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task NotaryRootKey_UsageError_Exits2WithOneLine(string why, params string[] arguments)
    {
        _ = why;
        var (code, output, error) = await Run(["notary", "root-key", .. arguments]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("verity: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Demo_WithTestbed_AdmitsAndPinsTheSignedImageAndDeniesTheUnsignedOne()
    {
        var (code, output, error) = await Run("demo", "--testbed", Testbed.Current.File);

        Assert.True(code == 0, error + output);
        var image = Testbed.Current["TESTBED_IMAGE"];
        var signed = $"{image}@{Testbed.Current["TESTBED_DIGEST_SIGNED"]}";
        Assert.Contains($"ADMITTED  {image}:signed", output, StringComparison.Ordinal);
        Assert.Contains($"-> patched to {signed}\n", output, StringComparison.Ordinal);
        Assert.Contains($"DENIED    {image}:unsigned", output, StringComparison.Ordinal);
        Assert.Contains($"-> image \"{image}:unsigned\" denied: no signed digest for tag \"unsigned\" in targets/releases of {Testbed.Current["TESTBED_NOTARY_GUN"]}", output, StringComparison.Ordinal);
        Assert.Contains($"ADMITTED  {image}:retagged", output, StringComparison.Ordinal);
        Assert.Contains($"ADMITTED  {image}:multi", output, StringComparison.Ordinal);
        Assert.Contains($"-> patched to {image}@{Testbed.Current["TESTBED_DIGEST_MULTI"]}\n", output, StringComparison.Ordinal);
        Assert.Contains($"DENIED    {image}:badsig", output, StringComparison.Ordinal);
        Assert.Contains("All 9 verdicts as expected.", output, StringComparison.Ordinal);
    }
}
