using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Configuration;
using Verity.Testing;
using Verity.Testing.Notary;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests;

/// <summary>
/// <see cref="IAuthenticatedServerClient"/>: GETs to a server that authenticates like a registry (a Notary server), with
/// the registry client's authentication, retries, limits and TLS trust.
/// </summary>
public sealed class AuthenticatedServerClientTests
{
    private const string Gun = "registry.example/team/app";

    private static readonly AuthenticatedServer Notary = new() { BaseUri = new Uri("http://placeholder"), Kind = "Notary server", Operation = "notary" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_ExistingFile_ReturnsItsBytes_AndAbsentFileIsNull()
    {
        await using var server = await FakeNotaryServer.StartAsync();
        server.Put(Gun, "root", "{\"signed\":{}}"u8.ToArray());
        using var host = new RegistryTestHost();
        var client = Create(host, server);

        var root = await client.GetAsync($"v2/{Gun}/_trust/tuf/root.json", Gun, 1024, "root", Ct);
        var missing = await client.GetAsync($"v2/{Gun}/_trust/tuf/targets.json", Gun, 1024, "targets", Ct);

        Assert.Equal("{\"signed\":{}}", Encoding.UTF8.GetString(root!.Value.Span));
        Assert.Null(missing);
        Assert.Equal(2, host.Count("notary"));
    }

    [Fact]
    public async Task Get_TokenChallenge_AsksForAPullTokenOnTheGivenRepositoryOnce()
    {
        using var pki = TestPki.Create();
        await using var server = await FakeNotaryServer.StartAsync(new FakeNotaryServerOptions
        {
            Certificate = pki.ServerCertificate, Auth = FakeRegistryAuth.Bearer, Username = "alice", Password = "secret",
        });
        server.Put(Gun, "root", "{}"u8.ToArray());
        server.Put(Gun, "timestamp", "{}"u8.ToArray());
        using var host = new RegistryTestHost();
        var settings = new RegistryClientSettings
        {
            Name = "notary",
            CaCertificates = [pki.CaCertificate],
            Auth = new RegistryAuth { Username = "alice", Password = "secret" },
            UnscopedCredentialsRegistry = server.Authority,
        };
        var client = host.Services.GetRequiredService<IAuthenticatedServerClientFactory>().Create(settings, Notary with { BaseUri = server.BaseUri });

        Assert.NotNull(await client.GetAsync($"v2/{Gun}/_trust/tuf/root.json", Gun, 1024, "root", Ct));
        Assert.NotNull(await client.GetAsync($"v2/{Gun}/_trust/tuf/timestamp.json", Gun, 1024, "timestamp", Ct));

        Assert.Equal(1, server.TokensIssued);
        Assert.Contains(server.Requests, r => r.PathAndQuery == $"/token?service={FakeNotaryServer.Service}&scope={Uri.EscapeDataString($"repository:{Gun}:pull")}");
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Get_ServerErrors_AreRetriedThenReportedUnderTheServersKind()
    {
        await using var server = await FakeNotaryServer.StartAsync();
        server.AddFault(RegistryFaults.Status(503, times: int.MaxValue, pathContains: "/_trust/"));
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await Create(host, server).GetAsync($"v2/{Gun}/_trust/tuf/root.json", Gun, 1024, "root.json of GUN \"x\"", Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal($"root.json of GUN \"x\": Notary server {server.Authority} answered HTTP 503 (3 attempts)", e.Message);
    }

    [Fact]
    public async Task Get_ClientError_IsAProtocolErrorWithTheServersMessage()
    {
        await using var server = await FakeNotaryServer.StartAsync();
        server.AddFault(new CountingFault("/_trust/", int.MaxValue, context =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"errors\":[{\"code\":\"INVALID_GUN\",\"message\":\"bad gun\"}]}");
        }));
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await Create(host, server).GetAsync($"v2/{Gun}/_trust/tuf/root.json", Gun, 1024, "root", Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Equal(400, e.StatusCode);
        Assert.StartsWith($"root: Notary server {server.Authority} answered HTTP 400: bad gun", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_BodyOverTheLimit_IsTooLarge()
    {
        await using var server = await FakeNotaryServer.StartAsync();
        server.Put(Gun, "timestamp", new byte[2048]);
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await Create(host, server).GetAsync($"v2/{Gun}/_trust/tuf/timestamp.json", Gun, 1024, "timestamp", Ct));

        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
    }

    [Fact]
    public async Task Get_BaseUrlWithAPath_RequestsBelowIt()
    {
        await using var server = await FakeNotaryServer.StartAsync();
        using var host = new RegistryTestHost();
        var settings = new RegistryClientSettings { Name = "notary", InsecureHttpRegistries = [server.Authority] };
        var client = host.Services.GetRequiredService<IAuthenticatedServerClientFactory>()
            .Create(settings, Notary with { BaseUri = new Uri(server.BaseUri, "notary") });

        Assert.Null(await client.GetAsync($"v2/{Gun}/_trust/tuf/root.json", Gun, 1024, "root", Ct));

        Assert.Equal($"/notary/v2/{Gun}/_trust/tuf/root.json", Assert.Single(server.Requests).Path);
        Assert.Equal(new Uri(server.BaseUri, "notary/"), client.BaseUri);
    }

    [Fact]
    public void Create_PlainHttpServerNotListedAsInsecure_IsRefused()
    {
        using var host = new RegistryTestHost();
        var factory = host.Services.GetRequiredService<IAuthenticatedServerClientFactory>();

        var e = Assert.Throws<ArgumentException>(() =>
            factory.Create(new RegistryClientSettings { Name = "notary" }, Notary with { BaseUri = new Uri("http://notary.example:4443") }));

        Assert.StartsWith("Notary server notary.example:4443 is plain HTTP; list it in the insecure HTTP registries to allow it", e.Message, StringComparison.Ordinal);
    }

    private static IAuthenticatedServerClient Create(RegistryTestHost host, FakeNotaryServer server)
    {
        var settings = new RegistryClientSettings { Name = "notary", InsecureHttpRegistries = [server.Authority] };
        return host.Services.GetRequiredService<IAuthenticatedServerClientFactory>().Create(settings, Notary with { BaseUri = server.BaseUri });
    }
}
