namespace Verity.Testing.Notation;

/// <summary>How <see cref="NotationSigner"/> deviates from a well-formed signature, for attack tests.</summary>
public sealed record NotationSignOptions
{
    /// <summary>The claimed signing time (default: now).</summary>
    public DateTimeOffset? SigningTime { get; init; }

    /// <summary>The expiry header, if any.</summary>
    public DateTimeOffset? Expiry { get; init; }

    /// <summary>An extra protected header listed in <c>crit</c> (a header Verity does not understand).</summary>
    public string? UnknownCritical { get; init; }

    /// <summary>Makes the RFC 3161 timestamp token over the signature value, if set.</summary>
    public Func<byte[], byte[]>? Timestamp { get; init; }

    /// <summary>The algorithm (<c>PS256</c> … <c>ES512</c>; default PS256 or ES256 by the key); its hash is used to sign.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The signing scheme header.</summary>
    public string SigningScheme { get; init; } = "notary.x509";

    /// <summary>The authentic signing time header (listed in <c>crit</c>), if set.</summary>
    public DateTimeOffset? AuthenticSigningTime { get; init; }

    /// <summary>Leaves the signing time header out.</summary>
    public bool OmitSigningTime { get; init; }

    /// <summary>The payload content type (<c>cty</c>), if not the Notary payload type.</summary>
    public string? ContentType { get; init; }
}
