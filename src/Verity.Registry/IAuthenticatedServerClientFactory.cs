namespace Verity.Registry;

/// <summary>Creates <see cref="IAuthenticatedServerClient"/>s.</summary>
/// <remarks>
/// Creating a client does no I/O. A client shares the connection pool of the registry clients with the same
/// <see cref="RegistryClientSettings.Name"/> and CA set, and the process-wide token cache.
/// </remarks>
public interface IAuthenticatedServerClientFactory
{
    /// <summary>A client for <paramref name="server"/> with one validator's credentials and TLS trust.</summary>
    /// <exception cref="ArgumentException">The server's URL is not http(s), or is plain HTTP without its
    /// <c>host[:port]</c> in <see cref="RegistryClientSettings.InsecureHttpRegistries"/>.</exception>
    IAuthenticatedServerClient Create(RegistryClientSettings settings, AuthenticatedServer server);
}
