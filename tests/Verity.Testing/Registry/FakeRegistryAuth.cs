namespace Verity.Testing.Registry;

/// <summary>How a <see cref="FakeRegistry"/> asks clients to authenticate.</summary>
public enum FakeRegistryAuth
{
    /// <summary>Anonymous.</summary>
    None,

    /// <summary>HTTP Basic with <see cref="FakeRegistryOptions.Username"/>/<see cref="FakeRegistryOptions.Password"/>.</summary>
    Basic,

    /// <summary>Docker token auth with the registry's own token endpoint at <c>/token</c> (opaque tokens).</summary>
    Bearer,
}
