using System.Globalization;
using Verity.Caching;
using Verity.Core.Configuration;

namespace Verity.Hosting;

/// <summary>
/// Reads the shared cache's server as Connaisseur's chart gives it: <c>REDIS_HOST</c> (<c>host[:port]</c>, port 6379 by
/// default), <c>REDIS_PASSWORD</c>, and TLS when the server's CA certificate file is present
/// (<see cref="RedisOptions.DefaultCaFile"/>, or <c>verity serve --redis-ca-file</c>), plain TCP otherwise.
/// </summary>
/// <remarks>The only place the variables are read; the cache gets <see cref="RedisOptions"/>.</remarks>
internal static class RedisEnvironment
{
    /// <param name="variable">Reads an environment variable.</param>
    /// <param name="caFile">The CA file given on the command line; null for the default, used only when it exists.</param>
    /// <param name="fileExists">Whether a file exists.</param>
    /// <returns>The options, or null when <c>REDIS_HOST</c> is not set (verdicts are kept in memory only).</returns>
    /// <exception cref="ConfigurationException"><c>REDIS_HOST</c> is malformed, or a CA file given is missing.</exception>
    public static RedisOptions? Read(Func<string, string?> variable, string? caFile, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentNullException.ThrowIfNull(fileExists);
        var hostAndPort = variable("REDIS_HOST")?.Trim();
        if (string.IsNullOrEmpty(hostAndPort))
        {
            return null;
        }

        var (host, port) = ParseHost(hostAndPort);
        string? ca;
        if (caFile is not null)
        {
            ca = fileExists(caFile) ? caFile : throw new ConfigurationException($"--redis-ca-file: the file {caFile} does not exist");
        }
        else
        {
            ca = fileExists(RedisOptions.DefaultCaFile) ? RedisOptions.DefaultCaFile : null;
        }

        return new RedisOptions
        {
            Host = host,
            Port = port,
            Password = variable("REDIS_PASSWORD") is { Length: > 0 } password ? password : null,
            CaFile = ca,
        };
    }

    /// <summary>Splits <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c>.</summary>
    /// <exception cref="ConfigurationException">The value is not one of those.</exception>
    internal static (string Host, int Port) ParseHost(string value)
    {
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var end = value.IndexOf(']', StringComparison.Ordinal);
            if (end < 0 || (end + 1 < value.Length && value[end + 1] != ':'))
            {
                throw Malformed(value);
            }

            host = value[1..end];
            port = end + 1 < value.Length ? value[(end + 2)..] : null;
        }
        else
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && value.IndexOf(':', colon + 1) >= 0)
            {
                throw Malformed(value);
            }

            host = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            throw Malformed(value);
        }

        if (port is null)
        {
            return (host, 6379);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535
            ? (host, number)
            : throw Malformed(value);
    }

    private static ConfigurationException Malformed(string value) =>
        new($"REDIS_HOST: \"{value}\" is not host[:port], e.g. connaisseur-redis-service:6379 or [::1]:6379");
}
