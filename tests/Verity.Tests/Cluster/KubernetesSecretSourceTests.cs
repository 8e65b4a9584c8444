using System.Text;
using k8s;
using Microsoft.AspNetCore.Http;
using Verity.Cluster;
using Verity.Registry.Auth;
using Verity.Testing;


namespace Verity.Tests.Cluster;

/// <summary>Registry secrets through the cluster port's KubernetesClient implementation, against a fake API server (a real HTTP server, no cluster).</summary>
public sealed class KubernetesSecretSourceTests
{
    private static Task<TestHttpServer> StartApiServerAsync()
    {
        return TestHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            if (context.Request.Path == "/api/v1/namespaces/verity/secrets/regcred")
            {
                var config = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"auths":{"registry.io":{"username":"alice","password":"pw"}}}"""));
                await context.Response.WriteAsync(
                    """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"regcred","namespace":"verity"},"type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"$1"}}""".Replace("$1", config, StringComparison.Ordinal));
                return;
            }

            context.Response.StatusCode = context.Request.Path.Value!.EndsWith("/forbidden", StringComparison.Ordinal) ? 403 : 404;
            await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""");
        });
    }

    private static Kubernetes Client(TestHttpServer server) => new(new KubernetesClientConfiguration { Host = server.BaseUri.AbsoluteUri });

    [Fact]
    public async Task GetSecretAsync_ExistingSecret_ReturnsItsDecodedData()
    {
        await using var server = await StartApiServerAsync();
        using var client = Client(server);

        var data = await new KubernetesSecretSource(new KubernetesClusterAccess(() => client), "verity").GetSecretAsync("regcred", TestContext.Current.CancellationToken);

        Assert.NotNull(data);
        var store = RegistryCredentialStore.FromSecretData(data, "regcred", null);
        Assert.Equal("alice", store.Find("registry.io", "app")!.Username);
        Assert.Equal("GET /api/v1/namespaces/verity/secrets/regcred", server.Requests.Select(r => r.Method + " " + r.Path).Single());
    }

    [Fact]
    public async Task GetSecretAsync_MissingSecret_ReturnsNull()
    {
        await using var server = await StartApiServerAsync();
        using var client = Client(server);

        Assert.Null(await new KubernetesSecretSource(new KubernetesClusterAccess(() => client), "verity").GetSecretAsync("absent", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetSecretAsync_Forbidden_ThrowsNamingTheSecretAndStatus()
    {
        await using var server = await StartApiServerAsync();
        using var client = Client(server);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await new KubernetesSecretSource(new KubernetesClusterAccess(() => client), "verity").GetSecretAsync("forbidden", TestContext.Current.CancellationToken));

        Assert.Contains("\"forbidden\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("403", e.Message, StringComparison.Ordinal);
    }
}
