// Over 300 lines on purpose. One request's life: authentication challenge, retries with Retry-After, redirects, time and size limits.
// These interact (a retry re-authenticates, a redirect drops credentials), so they stay in one place.
using Verity.Registry.Http;
using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Verity.Registry.Auth;

namespace Verity.Registry.Client;

/// <summary>
/// Carries out one <see cref="RegistryRequest"/>: authentication, redirects (blobs only), the per-request timeout,
/// retries with backoff, and the bounded body read.
/// </summary>
/// <remarks>
/// <para>
/// Retries: answers 408, 429 and 5xx (but 501, 505), per-request timeouts, connection failures and token service
/// failures of that kind are retried up to <see cref="RegistryClientOptions.MaxAttempts"/> times, after
/// <c>Retry-After</c> when the registry sends one no longer than <see cref="RegistryClientOptions.MaxRetryAfter"/>
/// (longer fails at once), else after exponential backoff with jitter. TLS failures are not retried. The caller's
/// token bounds everything; when it fires, <see cref="OperationCanceledException"/> propagates.
/// </para>
/// <para>
/// Redirects: never followed automatically (the handler has <c>AllowAutoRedirect = false</c>). For blobs, 301/302/303/307/308
/// are followed up to <see cref="RegistryClientOptions.MaxRedirects"/> hops, to HTTPS (or an insecure-listed host) only,
/// and the <c>Authorization</c> header is sent only to the registry's own origin. Any other redirect is a
/// <see cref="RegistryErrorKind.ProtocolError"/>: a manifest must come from the registry that was asked.
/// </para>
/// <para>
/// The response returned has a 2xx status or a non-retryable 4xx other than 401/403; 401/403 become
/// <see cref="RegistryErrorKind.Unauthorized"/>, exhausted retries <see cref="RegistryErrorKind.Unavailable"/> or
/// <see cref="RegistryErrorKind.Timeout"/>.
/// </para>
/// </remarks>
internal sealed class RegistryTransport
{
    private const int ErrorBodyBytes = 64 * 1024;

    private readonly RegistryHttp _http;
    private readonly RegistryAuthenticator _authenticator;
    private readonly InsecureHosts _insecure;
    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RegistryTransport(
        RegistryHttp http, RegistryAuthenticator authenticator, InsecureHosts insecure, RegistryClientOptions options, TimeProvider time, ILogger logger)
    {
        _http = http;
        _authenticator = authenticator;
        _insecure = insecure;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task<RegistryResponse> SendAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        var maxAttempts = Math.Max(1, _options.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            var last = attempt >= maxAttempts;
            TimeSpan? retryAfter = null;
            string reason;
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    var response = await SendOnceAsync(request, linked.Token);
                    if (!IsTransient((int)response.Status))
                    {
                        return response.Response;
                    }

                    var status = (int)response.Status;
                    retryAfter = response.RetryAfter;
                    reason = $"{request.Endpoint.Label} answered HTTP {status}";
                    if (retryAfter > _options.MaxRetryAfter)
                    {
                        throw new RegistryException(
                            RegistryErrorKind.Unavailable,
                            $"{request.Subject}: {request.Endpoint.Label} answered HTTP {status} and asks to retry after {retryAfter.Value.TotalSeconds:0} s")
                        { StatusCode = status };
                    }

                    if (last)
                    {
                        throw new RegistryException(
                            RegistryErrorKind.Unavailable, $"{request.Subject}: {reason} ({attempt} attempt{(attempt == 1 ? string.Empty : "s")})")
                        { StatusCode = status };
                    }
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The per-request timeout, or the handler's connect timeout: either way not the caller's cancellation.
                    reason = timeout.IsCancellationRequested
                        ? $"{request.Endpoint.Label} did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s"
                        : $"could not connect to {request.Endpoint.Label} within {_options.ConnectTimeout.TotalSeconds:0.###} s";
                    if (last)
                    {
                        throw new RegistryException(RegistryErrorKind.Timeout, $"{request.Subject}: {reason} ({attempt} attempt{(attempt == 1 ? string.Empty : "s")})", e);
                    }
                }
                catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
                {
                    reason = $"could not reach {request.Endpoint.Label}: {Describe(e)}";
                    if (last || !IsTransient(e))
                    {
                        throw new RegistryException(RegistryErrorKind.Unavailable, $"{request.Subject}: {reason}", e);
                    }
                }
                catch (IOException e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The connection broke while the body was being read.
                    reason = $"the connection to {request.Endpoint.Label} broke: {e.Message}";
                    if (last)
                    {
                        throw new RegistryException(RegistryErrorKind.Unavailable, $"{request.Subject}: {reason}", e);
                    }
                }
                catch (RegistryException e) when (e.Transient && !last)
                {
                    reason = e.Message;
                }
            }

            var delay = retryAfter ?? RetryDelay.Backoff(attempt, _options.InitialBackoff, _options.MaxBackoff);
            _logger.Retrying(request.Subject, reason, delay.TotalMilliseconds, attempt, maxAttempts);
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    private async Task<Attempt> SendOnceAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        var authorization = await _authenticator.PrepareAsync(request.Endpoint, request.Repository, cancellationToken);
        var response = await SendFollowingRedirectsAsync(request, authorization, cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized && request.Endpoint.IsSameOrigin(response.RequestMessage!.RequestUri!))
            {
                var retry = await _authenticator.RespondAsync(
                    request.Endpoint, request.Repository, response, authorization, request.Subject, cancellationToken);
                if (retry is null)
                {
                    throw Unauthorized(request, response, authorization is null ? "no credentials are configured for it" : "the credentials were refused");
                }

                response.Dispose();
                response = await SendFollowingRedirectsAsync(request, retry, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    _authenticator.Forget(retry);
                    throw Unauthorized(request, response, "the credentials were refused");
                }
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw Unauthorized(request, response, "access was denied");
            }

            var status = (int)response.StatusCode;
            if (IsTransient(status))
            {
                var retryAfter = RetryDelay.FromRetryAfter(response.Headers.RetryAfter, _time.GetUtcNow());
                return new Attempt(response.StatusCode, retryAfter, new RegistryResponse { StatusCode = response.StatusCode, Body = ReadOnlyMemory<byte>.Empty });
            }

            ReadOnlyMemory<byte> body;
            if (response.IsSuccessStatusCode)
            {
                if (request.Method == HttpMethod.Head)
                {
                    if (response.Content.Headers.ContentLength > request.MaxBytes)
                    {
                        throw new RegistryException(
                            RegistryErrorKind.TooLarge,
                            $"{request.Subject} is larger than the limit of {request.MaxBytes} bytes ({response.Content.Headers.ContentLength} bytes)");
                    }

                    body = ReadOnlyMemory<byte>.Empty;
                }
                else
                {
                    body = await BoundedContent.ReadAsync(response, request.MaxBytes, request.Subject, cancellationToken);
                }
            }
            else
            {
                body = request.Method == HttpMethod.Head
                    ? ReadOnlyMemory<byte>.Empty
                    : await BoundedContent.ReadPrefixAsync(response, ErrorBodyBytes, cancellationToken);
            }

            return new Attempt(response.StatusCode, null, new RegistryResponse
            {
                StatusCode = response.StatusCode,
                Body = body,
                ContentType = response.Content.Headers.ContentType?.MediaType,
                DockerContentDigest = Header(response, "Docker-Content-Digest"),
                FiltersApplied = Header(response, "OCI-Filters-Applied"),
                NextLink = NextLink(response),
            });
        }
        finally
        {
            response.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(
        RegistryRequest request, RequestAuthorization? authorization, CancellationToken cancellationToken)
    {
        var uri = new Uri(request.Endpoint.BaseUri, request.PathAndQuery);
        for (var hops = 0; ; hops++)
        {
            HttpResponseMessage response;
            using (var message = RegistryHttp.CreateRequest(request.Method, uri, request.Accept))
            {
                if (authorization is not null && request.Endpoint.IsSameOrigin(uri))
                {
                    AuthorizationHeaderHandler.Set(message, authorization.Header);
                }

                response = await _http.SendAsync(message, request.Operation, cancellationToken);
            }

            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            var location = response.Headers.Location;
            var status = (int)response.StatusCode;
            response.Dispose();
            var target = location is null ? null : location.IsAbsoluteUri ? location : new Uri(uri, location);
            var where = target is null ? "nowhere (no Location)" : RegistryHttp.LoggableUrl(target);
            if (!request.FollowRedirects)
            {
                throw new RegistryException(
                    RegistryErrorKind.ProtocolError,
                    $"{request.Subject}: {request.Endpoint.Label} redirected the request (HTTP {status}) to {where}; Verity follows redirects only for blobs")
                { StatusCode = status };
            }

            if (target is null || target.Scheme is not ("https" or "http"))
            {
                throw new RegistryException(RegistryErrorKind.ProtocolError, $"{request.Subject}: {request.Endpoint.Label} redirected to {where}") { StatusCode = status };
            }

            if (!_insecure.IsAllowed(target))
            {
                throw new RegistryException(
                    RegistryErrorKind.ProtocolError,
                    $"{request.Subject}: {request.Endpoint.Label} redirected to {where} over plain HTTP; list {target.Authority} in the insecure HTTP registries to allow it")
                { StatusCode = status };
            }

            if (hops >= _options.MaxRedirects)
            {
                throw new RegistryException(
                    RegistryErrorKind.ProtocolError, $"{request.Subject}: more than {_options.MaxRedirects} redirects from {request.Endpoint.Label}")
                { StatusCode = status };
            }

            _logger.FollowingRedirect(request.Subject, where, request.Endpoint.Origin);
            uri = target;
        }
    }

    private static RegistryException Unauthorized(RegistryRequest request, HttpResponseMessage response, string why)
    {
        var status = (int)response.StatusCode;
        var host = request.Endpoint.IsSameOrigin(response.RequestMessage!.RequestUri!)
            ? request.Endpoint.Label
            : response.RequestMessage.RequestUri!.Authority;
        return new RegistryException(RegistryErrorKind.Unauthorized, $"{request.Subject}: {host} answered HTTP {status}: {why}") { StatusCode = status };
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool IsTransient(int status) => status is 408 or 429 or (>= 500 and <= 599 and not 501 and not 505);

    private static bool IsTransient(HttpRequestException e)
    {
        return e.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError or HttpRequestError.ConfigurationLimitExceeded
                or HttpRequestError.InvalidResponse or HttpRequestError.UserAuthenticationError => false,
            _ => e.InnerException is not AuthenticationException,
        };
    }

    private static string Describe(HttpRequestException e)
    {
        // The outer message of a TLS failure says only "see inner exception".
        Exception innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        if (innermost is AuthenticationException)
        {
            // The certificate check's own reason (RegistryHttpHandler), or .NET's for the system roots.
            return $"TLS handshake refused: {innermost.Message}";
        }

        return ReferenceEquals(innermost, e) ? e.Message : $"{e.Message} ({innermost.Message})";
    }

    private static string? Header(HttpResponseMessage response, string name)
    {
        return response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            foreach (var part in value.Split(','))
            {
                var trimmed = part.Trim();
                if (trimmed.StartsWith('<') && trimmed.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
                {
                    var end = trimmed.IndexOf('>', StringComparison.Ordinal);
                    if (end > 1)
                    {
                        return trimmed[1..end];
                    }
                }
            }
        }

        return null;
    }

    private sealed record Attempt(HttpStatusCode Status, TimeSpan? RetryAfter, RegistryResponse Response);
}
