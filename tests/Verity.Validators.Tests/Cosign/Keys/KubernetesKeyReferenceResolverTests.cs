using Verity.Validators.Cosign;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Testing;
using Verity.Testing.Registry;
using Verity.Cluster;
using Verity.Validators.Cosign.Keys;

namespace Verity.Validators.Tests.Cosign.Keys;

/// <summary>
/// <c>k8s://namespace/secret</c> key references through the real KubernetesClient against a fake API server (a
/// real HTTP server on 127.0.0.1, no cluster).
/// </summary>
public sealed class KubernetesKeyReferenceResolverTests : IAsyncLifetime
{
    private readonly ECDsa _alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _time = new(TestSigstore.Epoch);
    private TestHttpServer _api = null!;
    private Kubernetes _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string AlicePem => PemEncoding.WriteString("PUBLIC KEY", _alice.ExportSubjectPublicKeyInfo());

    public async ValueTask InitializeAsync()
    {
        _api = await TestHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            var path = context.Request.Path.Value!;
            var data = path switch
            {
                "/api/v1/namespaces/verity/secrets/alice" => new Dictionary<string, string> { ["cosign.pub"] = AlicePem, ["cosign.key"] = "not for us" },
                "/api/v1/namespaces/verity/secrets/no-entry" => new Dictionary<string, string> { ["key.pem"] = AlicePem },
                "/api/v1/namespaces/verity/secrets/not-a-key" => new Dictionary<string, string> { ["cosign.pub"] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" },
                _ => null,
            };
            if (data is null)
            {
                context.Response.StatusCode = path.EndsWith("/forbidden", StringComparison.Ordinal) ? 403 : 404;
                await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}""");
                return;
            }

            var secret = new
            {
                apiVersion = "v1",
                kind = "Secret",
                metadata = new { name = path.Split('/')[^1], @namespace = "verity" },
                data = data.ToDictionary(e => e.Key, e => Convert.ToBase64String(Encoding.UTF8.GetBytes(e.Value))),
            };
            await context.Response.WriteAsync(JsonSerializer.Serialize(secret));
        });
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = _api.BaseUri.AbsoluteUri });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        _alice.Dispose();
    }

    [Fact]
    public async Task Resolve_SecretWithCosignPub_ReturnsThatKey()
    {
        var key = await Resolver().ResolveAsync(new Uri("k8s://verity/alice"), Ct);

        Assert.Equal(_alice.ExportSubjectPublicKeyInfo(), key.SubjectPublicKeyInfo.ToArray());
        Assert.Equal("GET /api/v1/namespaces/verity/secrets/alice", _api.Requests.Select(r => r.Method + " " + r.Path).Single());
    }

    [Fact]
    public async Task Resolve_Twice_ReadsTheSecretOnceUntilTheCacheExpires()
    {
        var resolver = Resolver();

        await resolver.ResolveAsync(new Uri("k8s://verity/alice"), Ct);
        await resolver.ResolveAsync(new Uri("k8s://verity/alice"), Ct);
        Assert.Single(_api.Requests);

        _time.Advance(TimeSpan.FromMinutes(1));
        await resolver.ResolveAsync(new Uri("k8s://verity/alice"), Ct);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Theory]
    [InlineData("k8s://verity/absent", "key reference k8s://verity/absent: secret \"absent\" not found in namespace \"verity\"")]
    [InlineData("k8s://verity/forbidden", "key reference k8s://verity/forbidden: reading secret \"forbidden\" in namespace \"verity\" failed with HTTP 403 (Verity needs RBAC \"get\" on this secret)")]
    [InlineData("k8s://verity/no-entry", "key reference k8s://verity/no-entry: secret \"no-entry\" in namespace \"verity\" has no \"cosign.pub\" entry")]
    [InlineData("k8s://verity/not-a-key", "key reference k8s://verity/not-a-key: \"cosign.pub\" of secret \"not-a-key\" is not a usable public key: a PEM \"CERTIFICATE\" block is not a public key (expected \"PUBLIC KEY\")")]
    [InlineData("k8s://verity", "key reference k8s://verity/ is not of the form k8s://<namespace>/<secret>")]
    public async Task Resolve_Unusable_ThrowsNamingTheReference(string reference, string message)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(async () => await Resolver().ResolveAsync(new Uri(reference), Ct));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Resolve_NoClusterConfiguration_ThrowsValidationException()
    {
        var resolver = new KubernetesKeyReferenceResolver(new KubernetesClusterAccess(() => throw new k8s.Exceptions.KubeConfigException("unable to load in-cluster configuration")), _time);

        var e = await Assert.ThrowsAsync<ValidationException>(async () => await resolver.ResolveAsync(new Uri("k8s://verity/alice"), Ct));

        Assert.Equal("key reference k8s://verity/alice cannot be read: no Kubernetes API client (the in-cluster configuration is not available)", e.Message);
    }

    [Fact]
    public async Task Validator_KeyReferenceTrustRoot_ResolvedAndTrusted()
    {
        using var pki = TestPki.Create();
        await using var registry = await FakeRegistry.StartAsync(new FakeRegistryOptions { Certificate = pki.ServerCertificate });
        var image = Digest.Parse(registry.PutImage("acme/app", "app", "1.0"));
        CosignPush.Signatures(registry, "acme/app", image, CosignPush.KeyLayer(_alice, image));
        using var host = new CosignTestHost();
        var definition = CosignTestHost.Definition(pki.CaCertificate, new KeyReferenceTrustRoot("alice", new Uri("k8s://verity/alice")), new KeyReferenceTrustRoot("bob", new Uri("k8s://verity/absent")));
        var validator = host.Validator(definition, new([], [], [], []), keys: Resolver());

        var outcome = await validator.ValidateAsync(ImageReference.Parse($"{registry.Registry}/acme/app:1.0"), new CosignRuleOptions { TrustRoot = "alice", VerifyInTransparencyLog = false }, Ct);

        Assert.Equal(image.ToString(), Outcome.Trusted(outcome));
        Assert.Equal("/api/v1/namespaces/verity/secrets/alice", Assert.Single(_api.Requests).Path);
    }

    private KubernetesKeyReferenceResolver Resolver() => new(new KubernetesClusterAccess(() => _client), _time);
}
