using System.Security.Cryptography.X509Certificates;
using Verity.Testing.Registry;

namespace Verity.Testing.Notary;

/// <summary>How a <see cref="FakeNotaryServer"/> behaves.</summary>
public sealed record FakeNotaryServerOptions
{
    /// <summary>Serve HTTPS with this certificate; null for plain HTTP.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The authentication scheme: none, Basic, or Docker token auth with the server's own <c>/token</c> endpoint.</summary>
    public FakeRegistryAuth Auth { get; init; } = FakeRegistryAuth.None;

    /// <summary>The user for Basic, or whom the token endpoint requires for Bearer (null: anonymous tokens get pull access).</summary>
    public string? Username { get; init; }

    /// <summary>The password of <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>The <c>expires_in</c> of issued tokens.</summary>
    public int TokenLifetimeSeconds { get; init; } = 300;
}
