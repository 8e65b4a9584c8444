using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Verity.Core.Images;
using Verity.Core.Validation;
using Verity.Logging;

namespace Verity.Caching;

/// <summary>Verdicts in the shared cache's Redis, one string per key with Redis's own expiry.</summary>
/// <remarks>
/// <para>Key: <c>&lt;prefix&gt;verdict:&lt;SHA-256 of configuration hash, rule index, validator name and image&gt;</c>
/// (fixed length, whatever the image string). Value: a small JSON object — <c>{"outcome":"trusted","digest":…,
/// "detail":…,"expires":…}</c> or <c>{"outcome":"denied","reason":…,"expires":…}</c> — at most
/// <see cref="MaxValueBytes"/>; a larger outcome is not shared (it is still cached in memory).</para>
/// <para>Reads take at most <see cref="MaxValueBytes"/> + 1 bytes (<c>GETRANGE</c>), so whatever is found under a key
/// costs a bounded amount; anything that is not exactly what this class writes (too long, not JSON, an unknown outcome,
/// a malformed digest, expired) is a miss.</para>
/// </remarks>
internal sealed class RedisVerdictStore : ISharedVerdictStore
{
    /// <summary>The largest value written or read.</summary>
    public const int MaxValueBytes = 8 * 1024;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisVerdictStore> _logger;

    public RedisVerdictStore(RedisConnection redis, TimeProvider time, ILogger<RedisVerdictStore> logger)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
    }

    /// <summary>The Redis key of <paramref name="key"/>.</summary>
    public string RedisKey(VerdictKey key)
    {
        var material = string.Join('\n', key.Configuration, key.Rule.ToString(System.Globalization.CultureInfo.InvariantCulture), key.Validator, key.Image);
        return _redis.Options.KeyPrefix + "verdict:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    /// <inheritdoc/>
    public async ValueTask<(ValidationOutcome Outcome, TimeSpan Remaining)?> GetAsync(VerdictKey key, CancellationToken cancellationToken)
    {
        var redisKey = RedisKey(key);
        var value = await _redis.RunAsync(db => db.StringGetRangeAsync(redisKey, 0, MaxValueBytes), RedisValue.Null, cancellationToken);
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        byte[] bytes = value!;
        if (bytes.Length > MaxValueBytes)
        {
            Log.SharedCacheValueUnreadable(_logger, redisKey, $"longer than {MaxValueBytes} bytes");
            return null;
        }

        if (!TryRead(bytes, out var outcome, out var expires, out var error))
        {
            Log.SharedCacheValueUnreadable(_logger, redisKey, error);
            return null;
        }

        var remaining = expires - _time.GetUtcNow();
        return remaining > TimeSpan.Zero ? (outcome, remaining) : null;
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(VerdictKey key, ValidationOutcome outcome, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var value = Write(outcome, _time.GetUtcNow() + lifetime);
        if (value.Length > MaxValueBytes)
        {
            return;
        }

        var redisKey = RedisKey(key);
        await _redis.RunAsync(db => db.StringSetAsync(redisKey, value, lifetime), false, cancellationToken);
    }

    internal static byte[] Write(ValidationOutcome outcome, DateTimeOffset expires)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (outcome)
            {
                case ValidationOutcome.Trusted trusted:
                    writer.WriteString("outcome", "trusted");
                    if (trusted.Digest is { } digest)
                    {
                        writer.WriteString("digest", digest.Value);
                    }

                    if (trusted.Detail is { } detail)
                    {
                        writer.WriteString("detail", detail);
                    }

                    break;
                case ValidationOutcome.Denied denied:
                    writer.WriteString("outcome", "denied");
                    writer.WriteString("reason", denied.Reason);
                    break;
                default:
                    throw new ArgumentException($"unknown outcome {outcome}", nameof(outcome));
            }

            writer.WriteNumber("expires", expires.ToUnixTimeMilliseconds());
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    internal static bool TryRead(byte[] value, out ValidationOutcome outcome, out DateTimeOffset expires, out string error)
    {
        outcome = null!;
        expires = default;
        try
        {
            using var document = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = 2, AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object";
                return false;
            }

            expires = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("expires").GetInt64());
            switch (root.GetProperty("outcome").GetString())
            {
                case "trusted":
                    Digest? digest = null;
                    if (root.TryGetProperty("digest", out var digestElement))
                    {
                        if (!Digest.TryParse(digestElement.GetString(), out var parsed))
                        {
                            error = "a malformed digest";
                            return false;
                        }

                        digest = parsed;
                    }

                    var detail = root.TryGetProperty("detail", out var detailElement) ? detailElement.GetString() : null;
                    outcome = new ValidationOutcome.Trusted(digest, detail);
                    break;
                case "denied":
                    var reason = root.GetProperty("reason").GetString() ?? throw new FormatException("reason is null");
                    outcome = new ValidationOutcome.Denied(reason);
                    break;
                case var other:
                    error = $"unknown outcome \"{other}\"";
                    return false;
            }

            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentOutOfRangeException)
        {
            error = e.Message;
            return false;
        }
    }
}
