using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Verity.Registry.Http;

/// <summary>Retry delays: exponential backoff with jitter, or the server's <c>Retry-After</c> (RFC 9110 §10.2.3).</summary>
/// <remarks>
/// Shared by every outbound client that retries (registries and Notary here, alert receivers in the executable); each
/// caller bounds how long a <c>Retry-After</c> is honoured (<c>RegistryClientOptions.MaxRetryAfter</c>,
/// <c>AlertingOptions.MaxRetryAfter</c>).
/// </remarks>
public static class RetryDelay
{
    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> + 1: <c>initial × 2^(attempt−1)</c>, capped, then
    /// "equal jitter" (half fixed, half random) so that many clients do not retry in lockstep.
    /// </summary>
    public static TimeSpan Backoff(int attempt, TimeSpan initial, TimeSpan max)
    {
        var exponential = initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        var half = capped / 2;
        var jitter = RandomNumberGenerator.GetInt32(0, Math.Max(1, (int)half) + 1);
        return TimeSpan.FromMilliseconds(half + jitter);
    }

    /// <summary>The delay a <c>Retry-After</c> header asks for (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? FromRetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
