using System.Globalization;
using StackExchange.Redis;
using Verity.Core.Validation;
using Verity.Logging;

namespace Verity.Caching;

/// <summary>
/// Rollback floors in the shared cache's Redis (<see cref="IRollbackFloorStore"/>), so every replica refuses metadata
/// older than what any replica has seen: one hash per key (<c>&lt;prefix&gt;floor:&lt;key&gt;</c>), a field per role
/// holding the highest version.
/// </summary>
/// <remarks>
/// <para>Raised by a Lua script, atomically: a field is only ever set to a higher version, so two replicas raising one
/// role at once keep the higher, and nothing Verity does lowers a floor. Floors do not expire (a forgotten floor weakens
/// protection to what a fresh process has; it never fails open).</para>
/// <para>Bounded: at most <see cref="MaxRoles"/> roles per key and <see cref="MaxRoleNameLength"/> characters per role are
/// written; a key holding more is not read (a miss), and a field that is not a positive integer is skipped.</para>
/// </remarks>
internal sealed class RedisRollbackFloorStore : IRollbackFloorStore
{
    /// <summary>The most roles kept or read under one key.</summary>
    public const int MaxRoles = 512;

    /// <summary>The longest role name kept.</summary>
    public const int MaxRoleNameLength = 512;

    private const string RaiseScript = """
        for i = 1, #ARGV, 2 do
          local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') or 0
          if tonumber(ARGV[i + 1]) > current then
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          end
        end
        return 1
        """;

    private const string ReadScript = """
        if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[1]) then
          return false
        end
        return redis.call('HGETALL', KEYS[1])
        """;

    private static readonly IReadOnlyDictionary<string, long> None = new Dictionary<string, long>();

    private readonly RedisConnection _redis;
    private readonly ILogger<RedisRollbackFloorStore> _logger;

    public RedisRollbackFloorStore(RedisConnection redis, ILogger<RedisRollbackFloorStore> logger)
    {
        _redis = redis;
        _logger = logger;
    }

    private string RedisKey(string key) => _redis.Options.KeyPrefix + "floor:" + key;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, long>> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var redisKey = RedisKey(key);
        var result = await _redis.RunAsync(
            db => db.ScriptEvaluateAsync(ReadScript, [redisKey], [MaxRoles]),
            RedisResult.Create(RedisValue.Null),
            cancellationToken);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            if (!result.IsNull)
            {
                Log.SharedCacheValueUnreadable(_logger, redisKey, "not a hash");
            }

            return None;
        }

        var fields = (RedisResult[])result!;
        if (fields.Length == 0)
        {
            return None;
        }

        var floors = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            var role = (string?)fields[i];
            if (role is { Length: > 0 and <= MaxRoleNameLength }
                && long.TryParse((string?)fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1)
            {
                floors[role] = version;
            }
        }

        return floors;
    }

    /// <inheritdoc/>
    public async ValueTask RaiseAsync(string key, IReadOnlyDictionary<string, long> versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(versions);
        var arguments = new List<RedisValue>(versions.Count * 2);
        foreach (var (role, version) in versions.OrderBy(v => v.Key, StringComparer.Ordinal).Take(MaxRoles))
        {
            if (role.Length is > 0 and <= MaxRoleNameLength && version >= 1)
            {
                arguments.Add(role);
                arguments.Add(version);
            }
        }

        if (arguments.Count == 0)
        {
            return;
        }

        var redisKey = RedisKey(key);
        await _redis.RunAsync(db => db.ScriptEvaluateAsync(RaiseScript, [redisKey], [.. arguments]), RedisResult.Create(RedisValue.Null), cancellationToken);
    }
}
