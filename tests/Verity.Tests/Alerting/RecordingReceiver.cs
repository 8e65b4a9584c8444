using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Verity.Testing;

namespace Verity.Tests.Alerting;

/// <summary>An alert receiver on 127.0.0.1 (a real HTTP server) that records each payload with its headers.</summary>
internal sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly TestHttpServer _server;
    private readonly ConcurrentQueue<Received> _received;

    private RecordingReceiver(TestHttpServer server, ConcurrentQueue<Received> received)
    {
        _server = server;
        _received = received;
    }

    public sealed record Received(string Path, string Body, IReadOnlyDictionary<string, string> Headers)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }

    /// <summary>A URL with a secret path and query, as Slack or Keybase hooks have.</summary>
    public Uri Url(string path = "hooks/SECRETPATH?token=SECRETQUERY") => new(_server.BaseUri, path);

    public IReadOnlyList<Received> Payloads => [.. _received];

    /// <summary>Requests seen, including those answered with an error.</summary>
    public int Calls => _server.Requests.Count;

    /// <param name="answer">The status to answer with; by default 200.</param>
    /// <param name="hang">Never answer (until the client gives up).</param>
    /// <param name="retryAfter">A <c>Retry-After</c> header to send with every answer that is not 2xx.</param>
    public static async Task<RecordingReceiver> StartAsync(Func<int, int>? answer = null, bool hang = false, string? retryAfter = null)
    {
        var received = new ConcurrentQueue<Received>();
        int calls = 0;
        var server = await TestHttpServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            int call = Interlocked.Increment(ref calls);
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            var status = answer?.Invoke(call) ?? 200;
            if (status is >= 200 and < 300)
            {
                received.Enqueue(new Received(context.Request.Path + context.Request.QueryString, body, headers));
            }

            context.Response.StatusCode = status;
            if (retryAfter is not null && status >= 300)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            await context.Response.WriteAsync(status < 300 ? "ok" : "receiver says no", context.RequestAborted);
        });
        return new RecordingReceiver(server, received);
    }

    /// <summary>Waits until <paramref name="count"/> payloads have arrived (the background queue sends them).</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (_received.Count < count && DateTime.UtcNow < until)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(_received.Count >= count, $"expected {count} alerts, received {_received.Count}");
        return [.. _received];
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
