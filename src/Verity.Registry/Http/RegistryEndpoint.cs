using Verity.Core.Images;

namespace Verity.Registry.Http;

/// <summary>Where the distribution API of a registry is: its base URL, derived from the image reference's registry.</summary>
/// <remarks>
/// <c>docker.io</c> is served by <c>registry-1.docker.io</c>; every other registry is its own host and port.
/// The scheme is HTTPS unless the registry is listed in <see cref="RegistryClientSettings.InsecureHttpRegistries"/>.
/// </remarks>
internal sealed record RegistryEndpoint
{
    /// <summary>The API host of Docker Hub.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    private RegistryEndpoint(string registry, Uri baseUri, string label)
    {
        Registry = registry;
        BaseUri = baseUri;
        Label = label;
        Origin = baseUri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>
    /// The registry as written in image references, e.g. <c>docker.io</c>; for another server
    /// (<see cref="ForServer"/>) its <c>host[:port]</c>. Credentials are looked up by it.
    /// </summary>
    public string Registry { get; }

    /// <summary>How messages name the server: <c>registry docker.io</c>, <c>Notary server notary.docker.io</c>.</summary>
    public string Label { get; }

    /// <summary>The API base, e.g. <c>https://registry-1.docker.io/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>scheme://host[:port]</c>: what credentials and challenges are bound to.</summary>
    public string Origin { get; }

    public static RegistryEndpoint For(string registry, InsecureHosts insecure)
    {
        var host = registry == ImageReference.DockerHub ? DockerHubApiHost : registry;
        var scheme = insecure.IsInsecure(registry) ? "http" : "https";
        return new RegistryEndpoint(registry, new Uri($"{scheme}://{host}/"), "registry " + registry);
    }

    /// <summary>
    /// A server addressed by URL rather than by registry name (a Notary server): requests go below
    /// <paramref name="baseUri"/> (its path kept, query and fragment dropped), credentials are looked up by its
    /// <c>host[:port]</c>.
    /// </summary>
    /// <param name="baseUri">An absolute http(s) URL.</param>
    /// <param name="kind">What the server is, for messages, e.g. <c>Notary server</c>.</param>
    public static RegistryEndpoint ForServer(Uri baseUri, string kind)
    {
        var path = baseUri.AbsolutePath.EndsWith('/') ? baseUri.AbsolutePath : baseUri.AbsolutePath + "/";
        var normalised = new UriBuilder(baseUri.Scheme, baseUri.Host, baseUri.Port, path).Uri;
        return new RegistryEndpoint(normalised.Authority, normalised, kind + " " + normalised.Authority);
    }

    /// <summary>Whether <paramref name="uri"/> has this registry's scheme, host and port.</summary>
    public bool IsSameOrigin(Uri uri) => string.Equals(uri.GetLeftPart(UriPartial.Authority), Origin, StringComparison.OrdinalIgnoreCase);
}
