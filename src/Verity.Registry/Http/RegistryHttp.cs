using Microsoft.Extensions.Logging;

namespace Verity.Registry.Http;

/// <summary>Sends single HTTP exchanges for one client, counting and logging each (no retries, auth or redirects here).</summary>
internal sealed class RegistryHttp
{
    private const string UserAgent = "Verity (container image signature verification)";

    private readonly HttpClient _client;
    private readonly RegistryMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RegistryHttp(HttpClient client, RegistryMetrics metrics, TimeProvider time, ILogger logger)
    {
        _client = client;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>A request with Verity's user agent and no automatic behaviour.</summary>
    public static HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, string? accept)
    {
        var request = new HttpRequestMessage(method, uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }

    /// <summary>Sends <paramref name="request"/> and returns once the headers are in; the body is left unread.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var started = _time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e)
        {
            var failed = _time.GetElapsedTime(started);
            _metrics.Record(uri, operation, statusCode: null, failed);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.RequestFailed(request.Method.Method, LoggableUrl(uri), operation, failed.TotalMilliseconds, e);
            }

            throw;
        }

        var elapsed = _time.GetElapsedTime(started);
        _metrics.Record(uri, operation, (int)response.StatusCode, elapsed);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.RequestCompleted(request.Method.Method, LoggableUrl(uri), operation, (int)response.StatusCode, elapsed.TotalMilliseconds);
        }

        return response;
    }

    /// <summary>The URL without its query: token requests carry the scope there, redirect targets often signatures.</summary>
    public static string LoggableUrl(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
