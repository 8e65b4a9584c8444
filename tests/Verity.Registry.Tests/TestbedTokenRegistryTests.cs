using System.Security.Cryptography;
using System.Text;
using Verity.Core.Configuration;
using Verity.Registry.Auth;
using Verity.Registry.Referrers;
using Verity.Testing.Registry;
using static Verity.Registry.Tests.TestbedClients;

namespace Verity.Registry.Tests;

/// <summary>
/// The harness's token-auth registry (distribution 2.8 <c>auth: token</c>) with a real token server that signs JWTs it
/// accepts: the whole Docker token flow, end to end.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TestbedTokenRegistryTests : IClassFixture<TestbedTokenServerFixture>
{
    private readonly DistributionTokenServer _tokens;

    public TestbedTokenRegistryTests(TestbedTokenServerFixture fixture)
    {
        _tokens = fixture.Server;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegistryAuth Credentials(string? password = null) => new()
    {
        Username = Bed["TESTBED_TOKEN_USER"],
        Password = password ?? Bed["TESTBED_TOKEN_PASSWORD"],
        Registry = Bed["TESTBED_TOKEN_REGISTRY"],
    };

    private static Core.Images.ImageReference Token(string rest) => On("TESTBED_TOKEN_REGISTRY", rest);

    [Fact]
    public void TokenServer_SigningKeyId_IsTheHarnesssLibtrustKeyId()
    {
        using var key = (ECDsa)DistributionTokenServer.LoadKey(Bed["TESTBED_TOKEN_KEY"]);

        Assert.Equal(Bed["TESTBED_TOKEN_KEY_ID"], DistributionTokenServer.LibtrustKeyId(key));
    }

    [Fact]
    public void TokenServer_Realm_IsWhereTheRegistrySendsClients()
    {
        Assert.Equal(Bed["TESTBED_TOKEN_REALM"], _tokens.Realm.AbsoluteUri);
    }

    [Fact]
    public async Task Resolve_WithCredentials_FollowsTheChallengeToTheTokenServer()
    {
        using var host = new RegistryTestHost();
        var issued = _tokens.TokensIssued;

        var digest = await host.Client(Settings(Credentials())).ResolveAsync(Token("test/app:signed"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_SIGNED"), digest);
        Assert.Equal(issued + 1, _tokens.TokensIssued);
        Assert.Equal(2, host.Count("manifest"));
        Assert.Equal(1, host.Count("token"));
        var request = _tokens.Requests[^1];
        Assert.Equal($"/token?service={Bed["TESTBED_TOKEN_SERVICE"]}&scope=repository%3Atest%2Fapp%3Apull", request.PathAndQuery);
        Assert.StartsWith("Basic ", request.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveFetchAndReferrers_ReuseOneToken()
    {
        using var host = new RegistryTestHost();
        var client = host.Client(Settings(Credentials()));
        var issued = _tokens.TokensIssued;

        var digest = await client.ResolveAsync(Token("test/app:signed"), RegistryLimits.ManifestBytes, Ct);
        var manifest = await client.GetManifestAsync(Token("test/app").PinnedTo(digest), RegistryLimits.ManifestBytes, Ct);
        await client.GetBlobAsync(Token("test/app"), manifest.Config!.Digest, RegistryLimits.SignatureBlobBytes, Ct);
        var referrers = await client.GetReferrersAsync(Token("test/app"), digest, null, RegistryLimits.ManifestBytes, Ct);
        await host.Client(Settings(Credentials())).ResolveAsync(Token("test/app:multi"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(issued + 1, _tokens.TokensIssued);
        Assert.Equal(ReferrersSource.TagSchema, referrers.Source);
        Assert.Equal(DigestOf("TESTBED_ATTESTATION_MANIFEST_DIGEST"), Assert.Single(referrers.Referrers).Digest);
        // HEAD (401), token, HEAD, GET manifest, GET blob, GET referrers (404), GET referrers tag, HEAD multi.
        Assert.Equal(8, host.RequestCount);
    }

    [Fact]
    public async Task OtherRepository_GetsItsOwnScopeWithoutA401()
    {
        using var host = new RegistryTestHost();
        var client = host.Client(Settings(Credentials()));
        await client.ResolveAsync(Token("test/app:signed"), RegistryLimits.ManifestBytes, Ct);
        host.ResetCount();

        var digest = await client.ResolveAsync(Token("test/plain:signed"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_PLAIN_SIGNED"), digest);
        Assert.Equal(2, host.RequestCount);
        Assert.Contains("scope=repository%3Atest%2Fplain%3Apull", _tokens.Requests[^1].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerConfigSecretCredentials_Work()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(Bed["TESTBED_TOKEN_USER"] + ":" + Bed["TESTBED_TOKEN_PASSWORD"]));
        var config = "{\"auths\":{\"https://" + Bed["TESTBED_TOKEN_REGISTRY"] + "/v1/\":{\"auth\":\"" + auth + "\"}}}";
        using var host = new RegistryTestHost(secrets: new ConfigSecretSource(config));

        var manifest = await host.Client(Settings(new RegistryAuth { SecretName = "regcred" })).GetManifestAsync(Token("test/app:docker"), RegistryLimits.ManifestBytes, Ct);

        Assert.Equal(DigestOf("TESTBED_DIGEST_DOCKER"), manifest.Digest);
    }

    [Fact]
    public async Task WrongPassword_IsUnauthorizedByTheTokenServer()
    {
        using var host = new RegistryTestHost();
        var refused = _tokens.Refused;

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings(Credentials("not-the-password"))).ResolveAsync(Token("test/app:signed"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains($"token service {Bed["TESTBED_TOKEN_REALM"]}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(refused + 1, _tokens.Refused);
    }

    [Fact]
    public async Task Anonymous_GetsATokenWithoutAccessAndIsUnauthorized()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings()).ResolveAsync(Token("test/app:signed"), RegistryLimits.ManifestBytes, Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.False(e.IsNotFound);
        Assert.Equal(3, host.RequestCount);
    }

    [Fact]
    public async Task AbsentTag_BehindTokenAuth_IsNotFound()
    {
        using var host = new RegistryTestHost();

        var e = await Assert.ThrowsAsync<RegistryException>(
            async () => await host.Client(Settings(Credentials())).GetManifestAsync(Token("test/app:no-such-tag"), RegistryLimits.ManifestBytes, Ct));

        Assert.True(e.IsNotFound, e.Message);
    }

    private sealed class ConfigSecretSource(string config) : ISecretSource
    {
        public ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string name, CancellationToken cancellationToken)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>?>(new Dictionary<string, byte[]> { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(config) });
        }
    }
}
