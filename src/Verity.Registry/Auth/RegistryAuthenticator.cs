using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Verity.Registry.Http;

namespace Verity.Registry.Auth;

/// <summary>
/// Answers registry challenges for one client: HTTP Basic, and Docker token authentication (Bearer tokens from the
/// challenge's realm, anonymous or with Basic credentials).
/// </summary>
/// <remarks>
/// <para>
/// Token requests follow the Docker token authentication specification: <c>GET realm?service=…&amp;scope=repository:&lt;name&gt;:pull</c>,
/// answered by <c>{"token" | "access_token", "expires_in", "issued_at"}</c>; <c>expires_in</c> defaults to 60 s.
/// Tokens are cached per (realm, service, scope, credential) in <see cref="RegistryAuthCache"/> until
/// <c>expires_in</c> minus <see cref="RegistryClientOptions.TokenExpiryMargin"/> (at most half the lifetime).
/// </para>
/// <para>
/// Credentials go only to the registry's own origin (Basic) or to the realm its challenge names, and only over
/// HTTPS unless that host is configured insecure. The <c>account</c> parameter is not sent, so request URLs
/// (which the HTTP stack may log) never carry a user name.
/// </para>
/// </remarks>
internal sealed class RegistryAuthenticator
{
    private readonly RegistryHttp _http;
    private readonly RegistryAuthCache _cache;
    private readonly CredentialProvider _credentials;
    private readonly InsecureHosts _insecure;
    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RegistryAuthenticator(
        RegistryHttp http,
        RegistryAuthCache cache,
        CredentialProvider credentials,
        InsecureHosts insecure,
        RegistryClientOptions options,
        TimeProvider time,
        ILogger logger)
    {
        _http = http;
        _cache = cache;
        _credentials = credentials;
        _insecure = insecure;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The token scope for pulling from <paramref name="repository"/>.</summary>
    public static string PullScope(string repository) => $"repository:{repository}:pull";

    /// <summary>Authorization to send up front, when the registry's challenge is already known; otherwise null.</summary>
    public async ValueTask<RequestAuthorization?> PrepareAsync(RegistryEndpoint endpoint, string repository, CancellationToken cancellationToken)
    {
        var challenge = _cache.GetChallenge(endpoint.Origin);
        return challenge is null ? null : await AuthorizeAsync(endpoint, repository, challenge, cancellationToken);
    }

    /// <summary>
    /// Answers a 401 from the registry: records its challenge and returns the authorization to retry with, or null when
    /// there is nothing new to try (no credentials for a Basic challenge, or fresh authorization was just refused).
    /// </summary>
    /// <exception cref="RegistryException">The challenge is missing or malformed, or the token service failed.</exception>
    public async ValueTask<RequestAuthorization?> RespondAsync(
        RegistryEndpoint endpoint, string repository, HttpResponseMessage response, RequestAuthorization? rejected, string subject, CancellationToken cancellationToken)
    {
        if (!AuthChallenge.TryParse(response.Headers.WwwAuthenticate, out var challenge, out var error, out var malformed))
        {
            // A broken challenge is the registry's fault; none, or only schemes Verity does not speak, means "no access".
            var kind = malformed ? RegistryErrorKind.ProtocolError : RegistryErrorKind.Unauthorized;
            throw new RegistryException(kind, $"{subject}: {endpoint.Label} refused access and {error}") { StatusCode = 401 };
        }

        _cache.SetChallenge(endpoint.Origin, challenge);
        if (rejected is { Key: { } key, Token: { } token })
        {
            _cache.RemoveToken(key, token);
        }

        if (rejected is not null && !rejected.Cached && rejected.Scheme == challenge.Scheme)
        {
            return null;
        }

        return await AuthorizeAsync(endpoint, repository, challenge, cancellationToken);
    }

    /// <summary>Forgets a token the registry refused even though it was fresh.</summary>
    public void Forget(RequestAuthorization authorization)
    {
        if (authorization is { Key: { } key, Token: { } token })
        {
            _cache.RemoveToken(key, token);
        }
    }

    private async ValueTask<RequestAuthorization?> AuthorizeAsync(
        RegistryEndpoint endpoint, string repository, AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var credential = await _credentials.FindAsync(endpoint.Registry, repository, cancellationToken);
        if (challenge.Scheme == AuthScheme.Basic)
        {
            return credential is null
                ? null
                : new RequestAuthorization(new AuthenticationHeaderValue("Basic", credential.BasicParameter), AuthScheme.Basic, Cached: false, null, null);
        }

        var scope = PullScope(repository);
        var key = new TokenCacheKey(challenge.Realm!.AbsoluteUri, challenge.Service ?? string.Empty, scope, credential?.Fingerprint ?? string.Empty);
        if (_cache.GetToken(key) is { } cached)
        {
            return new RequestAuthorization(new AuthenticationHeaderValue("Bearer", cached.Value), AuthScheme.Bearer, Cached: true, key, cached);
        }

        var token = await FetchTokenAsync(endpoint, challenge, scope, credential, cancellationToken);
        _cache.SetToken(key, token);
        return new RequestAuthorization(new AuthenticationHeaderValue("Bearer", token.Value), AuthScheme.Bearer, Cached: false, key, token);
    }

    private async Task<BearerToken> FetchTokenAsync(
        RegistryEndpoint endpoint, AuthChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var realm = challenge.Realm!;
        var realmName = RegistryHttp.LoggableUrl(realm);
        var identity = credential is null ? "anonymous" : "user " + credential.Username;
        if (!_insecure.IsAllowed(realm))
        {
            throw new RegistryException(
                RegistryErrorKind.ProtocolError,
                $"{endpoint.Label} sends Verity to the token service {realmName} over plain HTTP; list {realm.Authority} in the insecure HTTP registries to allow it");
        }

        var query = "service=" + Uri.EscapeDataString(challenge.Service ?? string.Empty) + "&scope=" + Uri.EscapeDataString(scope);
        if (challenge.Service is null)
        {
            query = "scope=" + Uri.EscapeDataString(scope);
        }

        var uri = new UriBuilder(realm) { Query = string.IsNullOrEmpty(realm.Query) ? query : realm.Query[1..] + "&" + query }.Uri;
        using var request = RegistryHttp.CreateRequest(HttpMethod.Get, uri, "application/json");
        if (credential is not null)
        {
            AuthorizationHeaderHandler.Set(request, new AuthenticationHeaderValue("Basic", credential.BasicParameter));
        }

        using var response = await _http.SendAsync(request, "token", cancellationToken);
        var status = (int)response.StatusCode;
        var subject = $"token service {realmName} (for {scope} on {endpoint.Label})";
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryException(RegistryErrorKind.Unauthorized, $"{subject} refused {identity} with HTTP {status}") { StatusCode = status };
        }

        if (status is 408 or 429 or (>= 500 and not 501 and not 505))
        {
            throw new RegistryException(RegistryErrorKind.Unavailable, $"{subject} answered HTTP {status}") { StatusCode = status, Transient = true };
        }

        if (status is < 200 or >= 300)
        {
            // Redirects included: credentials are not forwarded anywhere the challenge did not name.
            throw new RegistryException(RegistryErrorKind.ProtocolError, $"{subject} answered HTTP {status}") { StatusCode = status };
        }

        var body = await BoundedContent.ReadAsync(response, RegistryLimits.SmallBytes, subject + " response", cancellationToken);
        var (value, expiresIn) = ParseTokenResponse(body, subject);
        var lifetime = TimeSpan.FromSeconds(expiresIn);
        var margin = _options.TokenExpiryMargin < lifetime / 2 ? _options.TokenExpiryMargin : lifetime / 2;
        var useFor = lifetime - margin;
        _logger.TokenFetched(scope, realmName, identity, useFor.TotalSeconds);
        return new BearerToken(value, _time.GetUtcNow() + useFor);
    }

    private static (string Token, int ExpiresIn) ParseTokenResponse(ReadOnlyMemory<byte> body, string subject)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var token = String(root, "token") ?? String(root, "access_token");
                var expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var seconds) && seconds > 0
                    ? seconds
                    : 60;
                if (!string.IsNullOrEmpty(token))
                {
                    return (token, expiresIn);
                }
            }
        }
        catch (JsonException)
        {
        }

        throw new RegistryException(RegistryErrorKind.ProtocolError, $"{subject} sent no token (expected JSON with \"token\" or \"access_token\")");
    }

    private static string? String(JsonElement element, string name)
    {
        return element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
