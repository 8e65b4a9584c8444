using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;

namespace Verity.Registry.Auth;

/// <summary>A parsed <c>WWW-Authenticate</c> challenge (RFC 9110 §11.6.1; Docker token authentication specification).</summary>
/// <remarks>
/// Example: <c>Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"</c>.
/// A Bearer challenge needs an absolute <c>http</c>/<c>https</c> realm; whether plain HTTP is allowed is decided by
/// the caller (only for hosts configured as insecure).
/// </remarks>
internal sealed record AuthChallenge
{
    public required AuthScheme Scheme { get; init; }

    /// <summary>The token endpoint of a Bearer challenge; for Basic, null.</summary>
    public Uri? Realm { get; init; }

    /// <summary>The <c>service</c> parameter, if any.</summary>
    public string? Service { get; init; }

    /// <summary>
    /// Picks the challenge to answer from a 401 response: Bearer before Basic. Returns false with a reason when there
    /// is none, it is malformed (<paramref name="malformed"/>), or no scheme is supported.
    /// </summary>
    public static bool TryParse(
        HttpHeaderValueCollection<AuthenticationHeaderValue> headers,
        [NotNullWhen(true)] out AuthChallenge? challenge,
        [NotNullWhen(false)] out string? error,
        out bool malformed)
    {
        challenge = null;
        malformed = true;
        AuthChallenge? basic = null;
        var schemes = new List<string>();
        foreach (var header in headers)
        {
            schemes.Add(header.Scheme);
            if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                var parameters = ParseParameters(header.Parameter);
                if (!parameters.TryGetValue("realm", out var realm) || string.IsNullOrEmpty(realm))
                {
                    error = "the Bearer challenge has no realm";
                    return false;
                }

                if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("https" or "http")
                    || string.IsNullOrEmpty(realmUri.Host) || !string.IsNullOrEmpty(realmUri.UserInfo) || !string.IsNullOrEmpty(realmUri.Fragment))
                {
                    error = $"the Bearer challenge's realm \"{realm}\" is not an http(s) URL";
                    return false;
                }

                challenge = new AuthChallenge
                {
                    Scheme = AuthScheme.Bearer,
                    Realm = realmUri,
                    Service = parameters.GetValueOrDefault("service"),
                };
                error = null;
                return true;
            }

            if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            {
                basic = new AuthChallenge { Scheme = AuthScheme.Basic };
            }
        }

        malformed = false;
        challenge = basic;
        error = challenge is not null ? null
            : schemes.Count == 0 ? "the registry answered 401 without a WWW-Authenticate challenge"
            : $"the registry asks for unsupported authentication ({string.Join(", ", schemes)})";
        return challenge is not null;
    }

    /// <summary>Parses <c>key=value</c> and <c>key="quoted \"value\""</c> pairs separated by commas.</summary>
    internal static Dictionary<string, string> ParseParameters(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            string value;
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var builder = new System.Text.StringBuilder();
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    builder.Append(text[i]);
                    i++;
                }

                i++;
                value = builder.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                value = text[valueStart..i].Trim();
            }

            if (key.Length > 0)
            {
                result.TryAdd(key, value);
            }
        }

        return result;
    }
}
