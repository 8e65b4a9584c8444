namespace Verity.Caching;

/// <summary>
/// The Redis server of the shared cache, as Connaisseur's chart gives it (<c>REDIS_HOST</c>, <c>REDIS_PASSWORD</c>, the
/// server's certificate mounted at <see cref="DefaultCaFile"/>); read by the host, never by the cache itself.
/// </summary>
internal sealed record RedisOptions
{
    /// <summary>Where Connaisseur's chart mounts the Redis server's certificate.</summary>
    public const string DefaultCaFile = "/app/redis-certs/tls.crt";

    /// <summary>The host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>The port.</summary>
    public int Port { get; init; } = 6379;

    /// <summary>The password (Redis <c>AUTH</c>); null for none.</summary>
    public string? Password { get; init; }

    /// <summary>A PEM file of the CA certificates the server's certificate must chain to (the only roots trusted); with
    /// it the connection uses TLS, without it plain TCP.</summary>
    public string? CaFile { get; init; }

    /// <summary>The longest one cache operation may take before it counts as a miss (a stalled server must not eat the
    /// admission deadline).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After a failed operation on a connection that still looks up, how long the cache is left alone before
    /// it is tried again (so a stalled server costs one timeout per interval, not one per request).</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The prefix of every key Verity writes.</summary>
    public string KeyPrefix { get; init; } = "verity:v1:";

    /// <summary><c>host:port</c>, for logs and <c>/ready</c> (never the password).</summary>
    public string Server => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
