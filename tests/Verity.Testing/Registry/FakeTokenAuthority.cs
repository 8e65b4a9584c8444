using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.Registry;

/// <summary>
/// The auth gate of the fake servers (registry, Notary): Basic, or Docker token auth with a <c>/token</c> endpoint
/// whose opaque tokens grant exactly the scopes asked for (<c>repository:&lt;name&gt;:pull</c>).
/// </summary>
public sealed class FakeTokenAuthority
{
    private readonly ConcurrentDictionary<string, (ImmutableHashSet<string> Scopes, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly FakeRegistryAuth _auth;
    private readonly string? _username;
    private readonly string? _password;
    private readonly int _tokenLifetimeSeconds;
    private readonly string _basicRealm;
    private readonly string _service;
    private readonly Func<Uri> _tokenRealm;
    private readonly bool _anonymousTokens;
    private int _tokensIssued;

    /// <param name="auth">None, Basic or Bearer.</param>
    /// <param name="username">The accepted user, or null for anonymous access.</param>
    /// <param name="password">The accepted password.</param>
    /// <param name="tokenLifetimeSeconds">The <c>expires_in</c> of issued tokens.</param>
    /// <param name="basicRealm">The realm of the Basic challenge.</param>
    /// <param name="service">The <c>service</c> of the Bearer challenge.</param>
    /// <param name="tokenRealm">The token endpoint's URL (known once the server listens).</param>
    /// <param name="anonymousTokens">
    /// Whether a request without credentials gets a token without access (as Docker Hub answers) rather than 401,
    /// when a user is configured.
    /// </param>
    public FakeTokenAuthority(
        FakeRegistryAuth auth, string? username, string? password, int tokenLifetimeSeconds,
        string basicRealm, string service, Func<Uri> tokenRealm, bool anonymousTokens)
    {
        _auth = auth;
        _username = username;
        _password = password;
        _tokenLifetimeSeconds = tokenLifetimeSeconds;
        _basicRealm = basicRealm;
        _service = service;
        _tokenRealm = tokenRealm;
        _anonymousTokens = anonymousTokens;
    }

    /// <summary>How many tokens the token endpoint issued.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Forgets every issued token.</summary>
    public void Revoke() => _tokens.Clear();

    /// <summary>Whether the request may read <paramref name="repository"/>; otherwise answers 401 with a challenge.</summary>
    public async Task<bool> AuthorizeAsync(HttpContext context, string? repository)
    {
        var header = context.Request.Headers.Authorization.ToString();
        switch (_auth)
        {
            case FakeRegistryAuth.Basic:
                if (header == "Basic " + BasicCredentials())
                {
                    return true;
                }

                context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{_basicRealm}\"";
                await RegistryFaults.WriteErrorAsync(context, 401, "UNAUTHORIZED", "authentication required");
                return false;
            case FakeRegistryAuth.Bearer:
                var scope = repository is null ? null : $"repository:{repository}:pull";
                if (header.StartsWith("Bearer ", StringComparison.Ordinal)
                    && _tokens.TryGetValue(header["Bearer ".Length..], out var token)
                    && token.Expires > DateTimeOffset.UtcNow
                    && (scope is null || token.Scopes.Contains(scope)))
                {
                    return true;
                }

                context.Response.Headers.WWWAuthenticate =
                    $"Bearer realm=\"{_tokenRealm().AbsoluteUri}\",service=\"{_service}\"" + (scope is null ? string.Empty : $",scope=\"{scope}\"");
                await RegistryFaults.WriteErrorAsync(context, 401, "UNAUTHORIZED", "authentication required");
                return false;
            default:
                return true;
        }
    }

    /// <summary>Answers a request of the token endpoint.</summary>
    public async Task IssueTokenAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var authenticated = false;
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            if (_username is null || header["Basic ".Length..] != BasicCredentials())
            {
                await RegistryFaults.WriteErrorAsync(context, 401, "UNAUTHORIZED", "invalid credentials");
                return;
            }

            authenticated = true;
        }

        var grant = authenticated || _username is null;
        if (!grant && !_anonymousTokens)
        {
            await RegistryFaults.WriteErrorAsync(context, 401, "UNAUTHORIZED", "credentials required");
            return;
        }

        var scopes = grant
            ? context.Request.Query["scope"].Where(s => s is not null).Select(s => s!).ToImmutableHashSet(StringComparer.Ordinal)
            : [];
        var value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[value] = (scopes, DateTimeOffset.UtcNow.AddSeconds(_tokenLifetimeSeconds));
        Interlocked.Increment(ref _tokensIssued);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["token"] = value,
            ["expires_in"] = _tokenLifetimeSeconds,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("O"),
        }));
    }

    private string BasicCredentials() => Convert.ToBase64String(Encoding.UTF8.GetBytes(_username + ":" + _password));
}
