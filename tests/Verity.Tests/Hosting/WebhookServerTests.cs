using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Hosting;
using Verity.Tests.Admission;

namespace Verity.Tests.Hosting;

public sealed class WebhookServerTests
{
    private const string Config = """
        validators:
          - name: allow
            type: static
            approve: true
          - name: mock
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: mock
          - pattern: "my.reg/allow-me"
            validator: allow
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Mutate_OverHttps_AdmitsAndPatchesSignedDeployment()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        var request = AdmissionRequests.Deployment("securesystemsengineering/alice-image:test");
        request["request"]!["uid"] = "3a3a7b38-5512-4a85-94bb-3562269e0a6a";
        var body = request.ToJsonString();

        using var response = await server.Client.PostAsync("/mutate", Json(body), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var review = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("3a3a7b38-5512-4a85-94bb-3562269e0a6a", review["response"]!["uid"]!.GetValue<string>());
        Assert.True(review["response"]!["allowed"]!.GetValue<bool>());
        Assert.Equal(
            "/spec/template/spec/containers/0/image=docker.io/securesystemsengineering/alice-image@" + MockValidator.AliceDigest,
            ConnaisseurFixtureTests.PatchOf(review["response"]!));
    }

    [Fact]
    public async Task Mutate_OverHttps_DeniesUnsignedPod()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        var body = AdmissionRequests.Pod("busybox").ToJsonString();

        using var response = await server.Client.PostAsync("/mutate", Json(body), Ct);

        var review = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.False(review["response"]!["allowed"]!.GetValue<bool>());
        Assert.Equal(403, review["response"]!["status"]!["code"]!.GetValue<int>());
        Assert.Contains("image \"busybox\" denied", review["response"]!["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/health", HttpStatusCode.OK)]
    [InlineData("GET", "/Health", HttpStatusCode.OK)]
    [InlineData("GET", "/health/", HttpStatusCode.OK)]
    [InlineData("GET", "/ready", HttpStatusCode.OK)]
    [InlineData("GET", "/metrics", HttpStatusCode.OK)]
    [InlineData("POST", "/health", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/ready", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/", HttpStatusCode.NotFound)]
    [InlineData("GET", "/mutate/x", HttpStatusCode.NotFound)]
    [InlineData("GET", "/healthz", HttpStatusCode.NotFound)]
    public async Task Paths_AnswerAsRoutedEndpointsDid(string method, string path, HttpStatusCode expected)
    {
        await using var server = await WebhookServer.StartAsync(Config);

        using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.MethodNotAllowed)
        {
            Assert.Equal("GET", string.Join(",", response.Content.Headers.Allow));
        }
    }

    [Fact]
    public async Task Mutate_Get_Is405()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var response = await server.Client.GetAsync("/mutate", Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("Method not allowed.: GET\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Mutate_WrongContentType_Is400(string? contentType)
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(AdmissionRequests.Pod("busybox").ToJsonString()));
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);

        using var response = await server.Client.PostAsync("/mutate", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("wrong content type", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutate_JsonWithCharset_IsAccepted()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var content = new StringContent(AdmissionRequests.Pod("busybox").ToJsonString());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

        using var response = await server.Client.PostAsync("/mutate", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Mutate_ChunkedBodyWithoutContentLength_IsAccepted()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(AdmissionRequests.Pod("busybox").ToJsonString()));
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mutate") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await server.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"uid\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("Application/JSON; charset=utf-8", true)]
    [InlineData(" application/json ;charset=utf-8", true)]
    [InlineData("application/json-patch+json", false)]
    [InlineData("text/plain; application/json", false)]
    [InlineData("", false)]
    public void IsJson_MediaTypeBeforeParameters(string contentType, bool json)
    {
        Assert.Equal(json, WebhookHost.IsJson(contentType));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Mutate_MalformedBody_Is400(string body)
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var response = await server.Client.PostAsync("/mutate", Json(body), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Mutate_OversizedBody_Is413()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        var huge = "{\"request\":{\"x\":\"" + new string('a', 9 * 1024 * 1024) + "\"}}";

        // Kestrel answers 413 as soon as it sees the Content-Length and closes the connection; the client may
        // see the 413 or a broken pipe while still sending. Either way the body is not processed.
        try
        {
            using var response = await server.Client.PostAsync("/mutate", Json(huge), Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            Assert.IsType<IOException>(e.InnerException);
        }
    }

    [Fact]
    public async Task HealthAndReady_Answer200()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var health = await server.Client.GetAsync("/health", Ct);
        using var ready = await server.Client.GetAsync("/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls12AndTls13_AreAccepted(SslProtocols protocol)
    {
        await using var server = await WebhookServer.StartAsync(Config, tls: o => o.EnabledSslProtocols = protocol);
        using var response = await server.Client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PlainHttp_OnTheTlsPort_IsRefused()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = new UriBuilder(server.Address) { Scheme = "http" }.Uri;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri(url, "/health"), Ct));
    }

    [Fact]
    public async Task ConfigChange_IsReloadedAndBrokenChangeIsIgnored()
    {
        await using var server = await WebhookServer.StartAsync(Config, reloadInterval: TimeSpan.FromMilliseconds(100));
        var review = AdmissionRequests.Pod("my.reg/other:1").ToJsonString();
        Assert.False(await Allowed());

        await File.WriteAllTextAsync(server.ConfigFile, Config.Replace("validator: mock", "validator: allow", StringComparison.Ordinal), Ct);
        await WaitUntil(async () => await Allowed());

        await File.WriteAllTextAsync(server.ConfigFile, "validators: [", Ct);
        await Task.Delay(500, Ct);
        Assert.True(await Allowed());
        using var ready = await server.Client.GetAsync("/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        async Task<bool> Allowed()
        {
            using var response = await server.Client.PostAsync("/mutate", Json(review), Ct);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!["allowed"]!.GetValue<bool>();
        }
    }

    [Fact]
    public async Task ConcurrentRequests_AreAllAnswered()
    {
        await using var server = await WebhookServer.StartAsync(Config);
        var requests = Enumerable.Range(0, 64).Select(async i =>
        {
            var image = i % 2 == 0 ? "my.reg/allow-me:" + i : "busybox";
            using var response = await server.Client.PostAsync("/mutate", Json(AdmissionRequests.Pod(image).ToJsonString()), Ct);
            var allowed = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["response"]!["allowed"]!.GetValue<bool>();
            return allowed == (i % 2 == 0);
        });
        Assert.All(await Task.WhenAll(requests), Assert.True);
    }

    [Theory]
    [InlineData("10s", 10)]
    [InlineData("1m30s", 90)]
    [InlineData("500ms", 0.5)]
    public void ParseTimeout_GoDurations(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookHost.ParseTimeout(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("10x")]
    public void ParseTimeout_Garbage_IsIgnored(string text)
    {
        Assert.Null(WebhookHost.ParseTimeout(text));
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("condition not met within 10 s");
    }
}
