using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Configuration;
using Verity.Testing;
using Verity.Testing.Kubernetes;
using Verity.Testing.Registry;
using Verity.Tests.Admission;
using Verity.Tests.Faults;
using Verity.Tests.Hosting;
using static Verity.Tests.Admission.AdmissionRequests;

namespace Verity.Tests.Cluster;

/// <summary>
/// The fault matrix of the Kubernetes API (issue #10), through the HTTPS webhook and the executable's KubernetesClient
/// port, against the recording HTTPS stand-in: an API server that refuses, stalls, drips, fails, throttles, oversends,
/// answers garbage, redirects to another host, or presents a TLS certificate for another name or an expired one.
/// </summary>
/// <remarks>
/// Each lookup the admission path makes is staged so that, had it succeeded, the image would have been admitted
/// without validation (an owner with the Pod's UID and image, a namespace labelled <c>ignore</c>); the mock validator
/// denies it. So a lookup fault that is taken for an answer shows as an admission. The <c>k8s://</c> key reference of
/// a cosign trust root must end in a denial naming the reference and the cause. Every case ends within the deadline,
/// and connections to the stand-in do not grow from one review to the next.
/// </remarks>
[Trait("Category", "Integration")]
public sealed class ClusterFaultTests : IDisposable
{
    private const string Uid = "6c3e5a54-0000-4000-8000-000000000001";
    private static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(5);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("verity-cluster-faults-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The fault, and what a denial for a <c>k8s://</c> key names.</summary>
    public static TheoryData<string, string> Faults => new()
    {
        { "refused", "the Kubernetes API server could not be reached" },
        { "stall", "the Kubernetes API server did not answer within 3 s" },
        { "drip", "the Kubernetes API server did not answer within 3 s" },
        { "5xx", "failed with HTTP 503" },
        { "429 with a Retry-After", "failed with HTTP 429" },
        { "oversized answer", "larger than the limit" },
        { "garbage JSON", "not valid JSON" },
        { "redirect to another host", "a redirect, which is not followed" },
        { "TLS certificate for another name", "TLS certificate is for another name" },
        { "TLS certificate expired", "TLS certificate expired on" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task OwnerLookup_Fault_ValidatesTheImage_NeverAdmitsByTheOwner_WithinTheDeadline_WithoutLeakingSockets(string fault, string cause)
    {
        Assert.NotNull(cause);
        await using var bed = await FaultyApiAsync(fault, api => api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", Uid, "busybox"));
        await using var server = await WebhookServer.StartAsync(MockConfig.WithFeatures(), kubeconfig: bed.Kubeconfig, timeout: WebhookTimeout);

        await AssertDeniedEveryRoundAsync(server, () => PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "busybox"), bed, cause: null, validated: true);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task NamespaceLabelLookup_Fault_ValidatesTheImage_NeverSkipsIt_WithinTheDeadline_WithoutLeakingSockets(string fault, string cause)
    {
        Assert.NotNull(cause);
        await using var bed = await FaultyApiAsync(fault, api => api.AddNamespace("sandbox", new Dictionary<string, string> { ["verity.dev/webhook"] = "ignore" }));
        await using var server = await WebhookServer.StartAsync(
            MockConfig.WithFeatures("  namespacedValidation:\n    mode: ignore"), kubeconfig: bed.Kubeconfig, timeout: WebhookTimeout);

        // A lookup that stalls spends the deadline itself, so the validator may not be reached; the answer is a denial either way.
        await AssertDeniedEveryRoundAsync(server, () => InNamespace(Pod("busybox"), "sandbox"), bed, cause: null, validated: fault is not "stall" and not "drip");
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task KeyReferenceLookup_Fault_DeniesNamingTheReferenceAndCause_WithinTheDeadline_WithoutLeakingSockets(string fault, string cause)
    {
        await using var bed = await FaultyApiAsync(fault, _ => { });
        await using var server = await WebhookServer.StartAsync("""
            validators:
              - name: cosign
                type: cosign
                trustRoots:
                  - name: default
                    key: k8s://verity/cosign-key
            policy:
              - pattern: "*:*"
                validator: cosign
            """, realValidators: true, kubeconfig: bed.Kubeconfig, timeout: WebhookTimeout);

        await AssertDeniedEveryRoundAsync(server, () => Pod("registry.invalid/acme/app:1"), bed, cause, validated: false);
    }

    [Fact]
    public async Task OwnerLookupRedirectedToAnotherHost_NeverSendsTheBearerTokenThere()
    {
        await using var bed = await FaultyApiAsync("redirect to another host", api => api.AddWorkload("apps/v1", "ReplicaSet", "team", "web-7d9", Uid, "busybox"));
        await using var server = await WebhookServer.StartAsync(MockConfig.WithFeatures(), kubeconfig: bed.Kubeconfig, timeout: WebhookTimeout);

        var response = await DecideAsync(server, PodOwnedBy("team", "ReplicaSet", "web-7d9", Uid, "busybox"));

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains(bed.Api.Requests, r => r.Path == "/apis/apps/v1/namespaces/team/replicasets/web-7d9");
        Assert.Empty(bed.Elsewhere.Requests);
        Assert.DoesNotContain(bed.Elsewhere.Requests, r => r.Authorization?.Contains("test-token", StringComparison.Ordinal) == true);
    }

    /// <summary>
    /// Reviews three times: each answer is a denial (naming <paramref name="cause"/> when given), one line, within the
    /// webhook timeout, the validator asked each time when <paramref name="validated"/>; connections to the stand-in do
    /// not grow after the first round; the host a redirect names is never asked.
    /// </summary>
    private static async Task AssertDeniedEveryRoundAsync(WebhookServer server, Func<JsonObject> review, FaultyApi bed, string? cause, bool validated)
    {
        var sockets = 0;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            var response = await DecideAsync(server, review());
            clock.Stop();

            var message = response["status"]?["message"]?.GetValue<string>() ?? string.Empty;
            Assert.True(clock.Elapsed < WebhookTimeout + TimeSpan.FromSeconds(2), $"answered after {clock.Elapsed}: {message}");
            Assert.False(response["allowed"]!.GetValue<bool>(), $"admitted because of a failed lookup: {message}");
            Assert.DoesNotContain('\n', message);
            Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
            Assert.DoesNotContain("test-token", message, StringComparison.Ordinal);
            if (cause is not null)
            {
                Assert.True(message.Contains("k8s://verity/cosign-key", StringComparison.Ordinal), message);
                Assert.True(message.Contains(cause, StringComparison.Ordinal), $"round {round + 1}: \"{cause}\" not in: {message}");
            }

            if (validated && round == 0)
            {
                // Later rounds may take the validator's denial from the verdict cache.
                Assert.Equal(1, server.Services.GetServices<IValidatorType>().OfType<MockValidatorFactory>().Single().Mock?.Calls ?? 0);
            }

            await Task.Delay(200, Ct);
            if (round == 0)
            {
                sockets = OpenConnections.To(bed.Port);
            }
            else
            {
                await OpenConnections.AssertNoMoreThanAsync(bed.Port, sockets, $"after round {round + 1}");
            }
        }

        Assert.Empty(bed.Elsewhere.Requests);
    }

    private async Task<FaultyApi> FaultyApiAsync(string fault, Action<FakeKubernetesApi> stage)
    {
        var api = await FakeKubernetesApi.StartAsync(fault switch
        {
            "TLS certificate for another name" => pki => pki.CreateServerCertificate("kubernetes.other.example"),
            "TLS certificate expired" => pki => pki.CreateExpiredServerCertificate("127.0.0.1", "localhost"),
            _ => null,
        });
        stage(api);

        // Another API server the client would trust, holding the same objects: where a followed redirect would lead.
        var elsewhere = await TestHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            if (api.Get(context.Request.Path.Value!) is { } found)
            {
                await context.Response.WriteAsync(found.ToJsonString(), context.RequestAborted);
                return;
            }

            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""", context.RequestAborted);
        }, api.Pki.ServerCertificate);

        IRegistryFault? injected = fault switch
        {
            "stall" => RegistryFaults.Stall("/"),
            "drip" => RegistryFaults.Drip(TimeSpan.FromMilliseconds(200), "/"),
            "5xx" => RegistryFaults.Status(503, int.MaxValue, pathContains: "/"),
            "429 with a Retry-After" => RegistryFaults.Status(429, int.MaxValue, retryAfter: "1", pathContains: "/"),
            "oversized answer" => RegistryFaults.OversizedBody(64L << 20, declareLength: false, pathContains: "/"),
            "garbage JSON" => RegistryFaults.Garbage("/", "application/json"),
            "redirect to another host" => RegistryFaults.Redirect(elsewhere.BaseUri, "/"),
            _ => null,
        };
        if (injected is not null)
        {
            api.AddFault(injected);
        }

        var address = fault == "refused" ? new Uri($"https://127.0.0.1:{ClosedPort()}/") : api.BaseUri;
        return new FaultyApi(api, elsewhere, api.WriteKubeconfig(_dir.FullName, address), address.Port);
    }

    private static async Task<JsonNode> DecideAsync(WebhookServer server, JsonNode review)
    {
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync("/mutate", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The stand-in with its fault, the host its redirects name, the kubeconfig the webhook uses, and the port it dials.</summary>
    private sealed record FaultyApi(FakeKubernetesApi Api, TestHttpServer Elsewhere, string Kubeconfig, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Elsewhere.DisposeAsync();
            await Api.DisposeAsync();
        }
    }
}
