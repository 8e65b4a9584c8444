namespace Verity.Registry;

/// <summary>Creates the <see cref="IRegistryClient"/> of a validator.</summary>
/// <remarks>
/// Creating a client does no I/O: credentials are read from their secret when a registry first asks for them.
/// Clients are cheap and may be created per configuration snapshot; clients with the same
/// <see cref="RegistryClientSettings.Name"/> and CA set share one connection pool, and all clients share the token
/// cache.
/// </remarks>
public interface IRegistryClientFactory
{
    /// <summary>A client with the given validator's credentials and TLS trust.</summary>
    IRegistryClient Create(RegistryClientSettings settings);
}
