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

    /// <summary>Makes the RFC 3161 timestamp token over the signature value (JWS only), if set.</summary>
    public Func<byte[], byte[]>? Timestamp { get; init; }
}
