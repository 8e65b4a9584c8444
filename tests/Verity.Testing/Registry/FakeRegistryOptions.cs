using System.Security.Cryptography.X509Certificates;

namespace Verity.Testing.Registry;

/// <summary>How a <see cref="FakeRegistry"/> behaves.</summary>
public sealed record FakeRegistryOptions
{
    /// <summary>Serve HTTPS with this certificate; null for plain HTTP.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The authentication scheme.</summary>
    public FakeRegistryAuth Auth { get; init; } = FakeRegistryAuth.None;

    /// <summary>The user for Basic, or whom the token endpoint accepts for Bearer (null: anonymous tokens get pull access).</summary>
    public string? Username { get; init; }

    /// <summary>The password of <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>The <c>expires_in</c> of issued tokens.</summary>
    public int TokenLifetimeSeconds { get; init; } = 300;

    /// <summary>Whether <c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> is served (else 404, as distribution 2.8).</summary>
    public bool ReferrersApi { get; init; }

    /// <summary>Tags per page of <c>tags/list</c> when the client sends no <c>n</c> (some registries paginate by default); null: all.</summary>
    public int? TagPageSize { get; init; }

    /// <summary>Whether the referrers API applies <c>artifactType</c> itself (and says so in <c>OCI-Filters-Applied</c>).</summary>
    public bool ReferrersFilter { get; init; } = true;
}
