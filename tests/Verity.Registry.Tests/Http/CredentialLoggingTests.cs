using System.Text;
using Verity.Core.Images;
using Verity.Testing;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Http;

/// <summary>
/// Credentials and tokens never reach a log, at any level, from Verity or from <see cref="IHttpClientFactory"/>'s own
/// handlers, neither in the formatted message nor in the structured state a JSON or OpenTelemetry sink would record.
/// </summary>
public sealed class CredentialLoggingTests
{
    private const string Password = "pa55-word-that-must-not-leak";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenFlowWithBlobRedirectAndFailures_LogsNoCredentialsOrTokens()
    {
        using var pki = TestPki.Create();
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions
        {
            Certificate = pki.ServerCertificate, Auth = FakeRegistryAuth.Bearer, Username = "alice", Password = Password,
        });
        await using var storage = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = pki.ServerCertificate });
        var manifest = registry.PutImage("test/app", "layer", "latest");
        var blob = storage.PutBlob("test/app", "content"u8.ToArray());
        registry.AddFault(RegistryFaults.Redirect(storage.BaseUri, "/blobs/"));
        registry.AddFault(RegistryFaults.Status(503, times: 1, pathContains: "/manifests/"));
        var logs = new CollectingLoggerProvider();
        using var host = new RegistryTestHost(logs: logs);
        var client = host.Client(registry.Settings(registry.Credentials("alice", Password), pki.CaCertificate));

        await client.GetManifestAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        await client.GetBlobAsync(registry.Image("test/app"), Digest.Parse(blob), RegistryLimits.SignatureBlobBytes, Ct);
        await Assert.ThrowsAsync<RegistryException>(async () =>
            await host.Client(registry.Settings(registry.Credentials("alice", "wrong-" + Password), pki.CaCertificate))
                .GetManifestAsync(registry.Image("test/app@" + manifest), RegistryLimits.ManifestBytes, Ct));

        var text = logs.Text;
        Assert.Contains("System.Net.Http.HttpClient.Verity.Registry/test/", text, StringComparison.Ordinal);
        Assert.Contains("Request Headers:", text, StringComparison.Ordinal);
        Assert.Contains("token", text, StringComparison.Ordinal);
        Assert.Contains("retrying", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Password)), text, StringComparison.Ordinal);
        var tokens = registry.Requests.Select(r => r.Authorization).Where(a => a?.StartsWith("Bearer ", StringComparison.Ordinal) == true).Select(a => a![7..]).Distinct().ToList();
        Assert.NotEmpty(tokens);
        Assert.All(tokens, token => Assert.DoesNotContain(token, text, StringComparison.Ordinal));
    }
}
