namespace Verity.Registry;

/// <summary>Process-wide settings of the registry client: timeouts, retries, caching.</summary>
/// <remarks>
/// Bound as options (<c>services.AddVerityRegistry(o =&gt; …)</c>). The admission deadline is not configured here:
/// every call takes the caller's <see cref="CancellationToken"/>, and no attempt, backoff or token fetch outlives it.
/// </remarks>
public sealed class RegistryClientOptions
{
    /// <summary>Time for one HTTP exchange, from sending the request to the last body byte. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to establish a TCP and TLS connection. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per call, first one included, for 408/429/5xx answers, timeouts and connection failures. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first retry delay; it doubles per attempt up to <see cref="MaxBackoff"/>, with jitter. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest retry delay chosen by backoff. Default 2 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest <c>Retry-After</c> Verity waits for; a registry asking for longer fails the call at once
    /// (<see cref="RegistryErrorKind.Unavailable"/>). Default 5 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Redirects followed per blob request. Default 5.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>A bearer token is dropped this long before it expires (at most half its lifetime). Default 30 s.</summary>
    public TimeSpan TokenExpiryMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long credentials read from a secret are used before the secret is read again. Default 5 min.</summary>
    public TimeSpan CredentialRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a pooled connection is reused at most (so DNS changes are seen). Default 10 min.</summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
