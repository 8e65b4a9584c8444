using System.Net.Http.Headers;

namespace Verity.Registry.Http;

/// <summary>
/// Puts a request's <c>Authorization</c> header on at the last moment, below <see cref="IHttpClientFactory"/>'s logging
/// handlers, so that no logger in the pipeline ever sees a credential or token.
/// </summary>
/// <remarks>
/// The factory's Trace-level header logging redacts the formatted message but passes the raw header values in the
/// log state, where a structured sink (JSON console, OpenTelemetry) would record them. The transport therefore hands the
/// header over in <see cref="HttpRequestMessage.Options"/> (<see cref="Set"/>), which nothing logs; this handler, the
/// outermost part of the primary handler, moves it into the headers.
/// </remarks>
internal sealed class AuthorizationHeaderHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<AuthenticationHeaderValue> Key = new("Verity.Registry.Authorization");

    public AuthorizationHeaderHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>Asks for <paramref name="header"/> to be sent with <paramref name="request"/>.</summary>
    public static void Set(HttpRequestMessage request, AuthenticationHeaderValue header) => request.Options.Set(Key, header);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Key, out var header))
        {
            request.Headers.Authorization = header;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
