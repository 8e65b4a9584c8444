using System.Text;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Configuration;
using Verity.Registry.Auth;
using Verity.Testing.Registry;

namespace Verity.Registry.Tests.Auth;

/// <summary>Basic and token authentication against a fake registry, with round trips counted.</summary>
public sealed class AuthFlowTests
{
    private const string User = "alice";
    private const string Password = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<FakeRegistry> StartAsync(FakeRegistryAuth auth, string? user = User)
    {
        var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Auth = auth, Username = user, Password = user is null ? null : Password });
        registry.PutImage("test/app", "app", "latest");
        registry.PutImage("test/other", "other", "latest");
        return registry;
    }

    [Fact]
    public async Task Bearer_FirstCallFollowsTheChallenge_ThenTheTokenIsReusedAcrossCallsAndClients()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new RegistryTestHost();
        var settings = registry.Settings(registry.Credentials(User, Password));
        var client = host.Client(settings);

        var manifest = await client.GetManifestAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        Assert.Equal(["GET /v2/test/app/manifests/latest", "GET /token", "GET /v2/test/app/manifests/latest"], registry.Calls());

        registry.ClearRequests();
        await client.GetBlobAsync(registry.Image("test/app"), manifest.Config!.Digest, RegistryLimits.SignatureBlobBytes, Ct);
        await host.Client(settings).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal([$"GET /v2/test/app/blobs/{manifest.Config.Digest}", "HEAD /v2/test/app/manifests/latest"], registry.Calls());
        Assert.Equal(1, registry.TokensIssued);
        Assert.Equal(5, host.RequestCount);
        Assert.Equal(1, host.Count("token"));
    }

    [Fact]
    public async Task Bearer_TokenRequest_CarriesServiceScopeAndBasicCredentials()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new RegistryTestHost();

        await host.Client(registry.Settings(registry.Credentials(User, Password))).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        var token = registry.Requests.Single(r => r.Path == "/token");
        Assert.Equal("/token?service=fake-registry&scope=repository%3Atest%2Fapp%3Apull", token.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)), token.Authorization);
        Assert.StartsWith("Bearer ", registry.Requests[^1].Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_AnotherRepository_GetsItsOwnTokenWithoutA401()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new RegistryTestHost();
        var client = host.Client(registry.Settings(registry.Credentials(User, Password)));
        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        registry.ClearRequests();

        await client.ResolveAsync(registry.Image("test/other:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(["GET /token", "HEAD /v2/test/other/manifests/latest"], registry.Calls());
        Assert.Equal(2, registry.TokensIssued);
    }

    [Fact]
    public async Task Bearer_ExpiredToken_IsFetchedAgain()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = new RegistryTestHost(time: time);
        var client = host.Client(registry.Settings(registry.Credentials(User, Password)));
        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        // 300 s tokens are used for 270 s (30 s margin).
        time.Advance(TimeSpan.FromSeconds(269));
        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        Assert.Equal(1, registry.TokensIssued);

        time.Advance(TimeSpan.FromSeconds(2));
        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        Assert.Equal(2, registry.TokensIssued);
    }

    [Fact]
    public async Task Bearer_RevokedCachedToken_IsReplacedOnce()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new RegistryTestHost();
        var client = host.Client(registry.Settings(registry.Credentials(User, Password)));
        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        registry.RevokeTokens();
        registry.ClearRequests();

        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(["HEAD /v2/test/app/manifests/latest", "GET /token", "HEAD /v2/test/app/manifests/latest"], registry.Calls());
    }

    [Fact]
    public async Task Bearer_WrongPassword_IsUnauthorizedAndTheMessageHasNoPassword()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(registry.Credentials(User, "hunter2"))).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains($"token service {registry.TokenRealm.AbsoluteUri}", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused user alice with HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_AnonymousTokenWithoutAccess_IsUnauthorizedWithoutLooping()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings()).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Equal(["HEAD /v2/test/app/manifests/latest", "GET /token", "HEAD /v2/test/app/manifests/latest"], registry.Calls());
        Assert.Null(registry.Requests[1].Authorization);
    }

    [Fact]
    public async Task Bearer_AnonymousRegistry_WorksWithoutCredentials()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer, user: null);
        using var host = new RegistryTestHost();

        await host.Client(registry.Settings()).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(1, registry.TokensIssued);
    }

    [Fact]
    public async Task Basic_CredentialsFollowTheChallenge_ThenGoUpFront()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        using var host = new RegistryTestHost();
        var client = host.Client(registry.Settings(registry.Credentials(User, Password)));

        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        await client.ResolveAsync(registry.Image("test/other:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(3, registry.Requests.Count);
        Assert.Null(registry.Requests[0].Authorization);
        Assert.StartsWith("Basic ", registry.Requests[1].Authorization, StringComparison.Ordinal);
        Assert.StartsWith("Basic ", registry.Requests[2].Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_NoCredentials_IsUnauthorized()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings()).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains("no credentials are configured for it", e.Message, StringComparison.Ordinal);
        Assert.Single(registry.Requests);
    }

    [Fact]
    public async Task Basic_WrongPassword_IsTriedOnceAndTheMessageHasNoPassword()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(registry.Credentials(User, "hunter2"))).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains("the credentials were refused", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, registry.Requests.Count);
    }

    [Fact]
    public async Task Basic_CredentialsOfAnotherRegistry_AreNeverSent()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        using var host = new RegistryTestHost();
        var other = new RegistryAuth { Username = User, Password = Password, Registry = "127.0.0.1" };

        await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(other)).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.All(registry.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Basic_InlineCredentialsWithoutRegistry_AreNotSentAnywhere()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        using var host = new RegistryTestHost();
        var unscoped = new RegistryAuth { Username = User, Password = Password };

        await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(unscoped)).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));
        Assert.Null(registry.Requests.Single().Authorization);

        // The notaryv1 validator names the one host such credentials are for.
        var scoped = host.Client(registry.Settings(unscoped) with { UnscopedCredentialsRegistry = registry.Registry });
        await scoped.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        Assert.NotNull(registry.Requests[^1].Authorization);
    }

    [Theory]
    [InlineData(null, RegistryErrorKind.Unauthorized, "refused access and the registry answered 401 without a WWW-Authenticate challenge")]
    [InlineData("Bearer service=\"x\"", RegistryErrorKind.ProtocolError, "the Bearer challenge has no realm")]
    [InlineData("Bearer realm=\"not a url\"", RegistryErrorKind.ProtocolError, "is not an http(s) URL")]
    [InlineData("Digest realm=\"x\", nonce=\"y\"", RegistryErrorKind.Unauthorized, "unsupported authentication (Digest)")]
    public async Task BadChallenge_IsRefusedWithAReason(string? challenge, RegistryErrorKind kind, string expected)
    {
        await using var registry = await StartAsync(FakeRegistryAuth.None);
        registry.AddFault(RegistryFaults.Challenge(challenge));
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(registry.Credentials(User, Password))).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(kind, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Single(registry.Requests);
    }

    [Fact]
    public async Task BadChallenge_PlainHttpRealm_GetsNoCredentials()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.None);
        await using var harvester = await FakeRegistry.StartAsync();
        registry.AddFault(RegistryFaults.Challenge($"Bearer realm=\"{harvester.BaseUri}token\",service=\"x\""));
        using var host = new RegistryTestHost();

        // The registry is listed as insecure, its realm host is not.
        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(registry.Credentials(User, Password))).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.ProtocolError, e.Kind);
        Assert.Contains("over plain HTTP", e.Message, StringComparison.Ordinal);
        Assert.Empty(harvester.Requests);
    }

    [Fact]
    public async Task TokenService5xx_IsRetried()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Bearer);
        var fault = registry.AddFault(RegistryFaults.Status(503, times: 1, pathContains: "/token"));
        using var host = new RegistryTestHost();

        await host.Client(registry.Settings(registry.Credentials(User, Password))).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(1, fault.Served);
        Assert.Equal(1, registry.TokensIssued);
    }

    [Fact]
    public async Task SecretCredentials_AreReadOnlyWhenARegistryAsksAndThenCached()
    {
        await using var anonymous = await StartAsync(FakeRegistryAuth.None);
        await using var basic = await StartAsync(FakeRegistryAuth.Basic);
        var secrets = new CountingSecretSource(DockerConfig(basic.Registry, User, Password));
        using var host = new RegistryTestHost(secrets: secrets);
        var auth = new RegistryAuth { SecretName = "regcred" };
        var client = host.Client(new RegistryClientSettings { Name = "test", Auth = auth, InsecureHttpRegistries = [anonymous.Registry, basic.Registry] });

        await client.ResolveAsync(anonymous.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        Assert.Equal(0, secrets.Reads);

        await client.ResolveAsync(basic.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
        await client.ResolveAsync(basic.Image("test/other:latest"), RegistryLimits.ManifestBytes, Ct);
        Assert.Equal(1, secrets.Reads);
    }

    [Fact]
    public async Task SecretCredentials_MissingSecret_IsUnauthorizedNamingTheSecret()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        using var host = new RegistryTestHost(secrets: new CountingSecretSource(null));

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(registry.Settings(new RegistryAuth { SecretName = "regcred" })).ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains("could not load credentials from secret \"regcred\": secret \"regcred\" does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretCredentials_ReloadFailure_KeepsThePreviousCredentials()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        var secrets = new CountingSecretSource(DockerConfig(registry.Registry, User, Password));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = new RegistryTestHost(time: time, secrets: secrets);
        var client = host.Client(registry.Settings(new RegistryAuth { SecretName = "regcred" }));
        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);

        secrets.Fail = true;
        time.Advance(TimeSpan.FromMinutes(6));
        await client.ResolveAsync(registry.Image("test/other:latest"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(2, secrets.Reads);
    }

    [Fact]
    public async Task SecretCredentials_ChangedSecret_IsPickedUpAfterTheRefreshInterval()
    {
        await using var registry = await StartAsync(FakeRegistryAuth.Basic);
        var secrets = new CountingSecretSource(DockerConfig(registry.Registry, User, "old password"));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = new RegistryTestHost(time: time, secrets: secrets);
        var client = host.Client(registry.Settings(new RegistryAuth { SecretName = "regcred" }));
        await Assert.ThrowsAsync<RegistryException>(async () => await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct));

        secrets.Data = DockerConfig(registry.Registry, User, Password);
        time.Advance(TimeSpan.FromMinutes(6));

        await client.ResolveAsync(registry.Image("test/app:latest"), RegistryLimits.ManifestBytes, Ct);
    }

    private static Dictionary<string, byte[]> DockerConfig(string registry, string user, string password)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
        return new Dictionary<string, byte[]>
        {
            [".dockerconfigjson"] = Encoding.UTF8.GetBytes("{\"auths\":{\"http://" + registry + "/v2/\":{\"auth\":\"" + auth + "\"}}}"),
        };
    }

    private sealed class CountingSecretSource(Dictionary<string, byte[]>? data) : ISecretSource
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Dictionary<string, byte[]>? Data { get; set; } = data;

        public bool Fail { get; set; }

        public ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string name, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return Fail
                ? throw new InvalidOperationException("the API server is down")
                : ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>?>(Data);
        }
    }
}
