using System.Net.Http.Headers;

namespace Verity.Registry.Auth;

/// <summary>An <c>Authorization</c> header for a registry request, and where it came from.</summary>
/// <param name="Header">The header to send.</param>
/// <param name="Scheme">Basic or Bearer.</param>
/// <param name="Cached">Whether it is a cached token (which may have been revoked: one fresh retry is worth it).</param>
/// <param name="Key">The token's cache key, for Bearer.</param>
/// <param name="Token">The token, for Bearer.</param>
internal sealed record RequestAuthorization(
    AuthenticationHeaderValue Header, AuthScheme Scheme, bool Cached, TokenCacheKey? Key, BearerToken? Token)
{
    /// <summary>Never prints the header value.</summary>
    public override string ToString() => $"{Scheme} authorization (redacted){(Cached ? ", cached" : string.Empty)}";
}
