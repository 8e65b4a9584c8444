using System.Collections.Immutable;

namespace Verity.Registry.Http;

/// <summary>The hosts a client may reach over plain HTTP (<see cref="RegistryClientSettings.InsecureHttpRegistries"/>).</summary>
internal sealed class InsecureHosts
{
    private readonly ImmutableHashSet<string> _authorities;

    public InsecureHosts(IEnumerable<string> registries)
    {
        _authorities = registries
            .Select(Normalise)
            .Where(r => r.Length > 0)
            .ToImmutableHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="registry"/> (<c>host[:port]</c>) is to be spoken to over HTTP.</summary>
    public bool IsInsecure(string registry) => _authorities.Contains(Normalise(registry));

    /// <summary>Whether Verity may send a request to <paramref name="uri"/>: HTTPS always, HTTP only for insecure hosts.</summary>
    public bool IsAllowed(Uri uri)
    {
        return uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && _authorities.Contains(uri.Authority.ToLowerInvariant()));
    }

    private static string Normalise(string registry)
    {
        var value = registry.Trim().ToLowerInvariant();
        foreach (var scheme in (ReadOnlySpan<string>)["http://", "https://"])
        {
            if (value.StartsWith(scheme, StringComparison.Ordinal))
            {
                value = value[scheme.Length..];
            }
        }

        // Uri.Authority leaves out the default port, so "host:80" must compare equal to "host".
        value = value.TrimEnd('/');
        return value.EndsWith(":80", StringComparison.Ordinal) ? value[..^3] : value;
    }
}
