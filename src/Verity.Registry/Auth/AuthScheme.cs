namespace Verity.Registry.Auth;

/// <summary>The authentication schemes registries use.</summary>
internal enum AuthScheme
{
    /// <summary>HTTP Basic (RFC 7617): credentials on every request.</summary>
    Basic,

    /// <summary>Docker token authentication: a bearer token from the challenge's realm.</summary>
    Bearer,
}
