using System.Diagnostics.CodeAnalysis;

namespace Verity.Registry.Auth;

/// <summary>
/// A normalised credential key: registry host (with port) and an optional repository path prefix.
/// </summary>
/// <remarks>
/// <para>
/// Keys are written in many forms in Docker config files and Connaisseur secrets: <c>https://index.docker.io/v1/</c>,
/// <c>docker.io</c>, <c>registry:5000</c>, <c>http://registry.example/v2/</c>, <c>ghcr.io/acme</c>. Normalisation:
/// </para>
/// <list type="bullet">
/// <item>the scheme (<c>https://</c>, <c>http://</c>) and trailing slashes are removed;</item>
/// <item>the host is lower-cased; <c>index.docker.io</c>, <c>registry-1.docker.io</c> and
/// <c>registry.hub.docker.com</c> become <c>docker.io</c>, so every Docker Hub spelling matches Docker Hub images
/// (Connaisseur's plain prefix match misses <c>docker.io</c>, see reference §7);</item>
/// <item>a path that is only an API version (<c>v1</c>, <c>v2</c>) is dropped; any other path is kept as a
/// repository prefix, e.g. <c>ghcr.io/acme</c>.</item>
/// </list>
/// <para>
/// Matching (<see cref="Matches"/>) needs the same host and, when the key has a path, a repository equal to it or
/// below it on a <c>/</c> boundary: <c>registry.io</c> does not match <c>registry.iox</c>, and <c>ghcr.io/acme</c>
/// does not match <c>ghcr.io/acmecorp/app</c>.
/// </para>
/// </remarks>
internal sealed record CredentialKey(string Host, string Path)
{
    private static readonly string[] DockerHubAliases = ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];
    private static readonly System.Buffers.SearchValues<char> ForbiddenInHost = System.Buffers.SearchValues.Create(" \t\r\n@?#");

    /// <summary>Normalises a key; false if it has no usable host.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CredentialKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        foreach (var scheme in (ReadOnlySpan<string>)["https://", "http://"])
        {
            if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                value = value[scheme.Length..];
                break;
            }
        }

        value = value.Trim('/');
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var host = NormaliseHost(slash < 0 ? value : value[..slash]);
        var path = slash < 0 ? string.Empty : value[(slash + 1)..].Trim('/');
        if (path is "v1" or "v2")
        {
            path = string.Empty;
        }

        if (host.Length == 0 || host.AsSpan().ContainsAny(ForbiddenInHost) || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        key = new CredentialKey(host, path);
        return true;
    }

    /// <summary>Normalises a registry host as <see cref="Verity.Core.Images.ImageReference.Registry"/> or a key spells it.</summary>
    public static string NormaliseHost(string host)
    {
        var lower = host.Trim().ToLowerInvariant();
        return DockerHubAliases.Contains(lower) ? Verity.Core.Images.ImageReference.DockerHub : lower;
    }

    /// <summary>Whether this key applies to <paramref name="repository"/> on <paramref name="normalisedHost"/>.</summary>
    public bool Matches(string normalisedHost, string repository)
    {
        if (!string.Equals(Host, normalisedHost, StringComparison.Ordinal))
        {
            return false;
        }

        return Path.Length == 0
            || string.Equals(repository, Path, StringComparison.Ordinal)
            || (repository.Length > Path.Length && repository.StartsWith(Path, StringComparison.Ordinal) && repository[Path.Length] == '/');
    }

    /// <summary><c>host[/path]</c>.</summary>
    public override string ToString() => Path.Length == 0 ? Host : Host + "/" + Path;
}
