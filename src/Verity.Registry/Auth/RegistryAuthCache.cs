using System.Collections.Concurrent;

namespace Verity.Registry.Auth;

/// <summary>
/// Process-wide memory of registries' challenges (by origin) and of bearer tokens (by <see cref="TokenCacheKey"/>).
/// </summary>
/// <remarks>
/// Remembering a registry's challenge lets later requests authenticate up front instead of paying a 401 round
/// trip each time; tokens are reused until shortly before they expire. Both maps are bounded: past
/// <see cref="MaxTokens"/> entries, expired tokens are dropped, and if that is not enough the map is cleared
/// (tokens are cheap to fetch again).
/// </remarks>
internal sealed class RegistryAuthCache
{
    private const int MaxTokens = 4096;
    private const int MaxChallenges = 1024;

    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TokenCacheKey, BearerToken> _tokens = new();
    private readonly TimeProvider _time;

    public RegistryAuthCache(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The number of cached tokens (for tests).</summary>
    public int TokenCount => _tokens.Count;

    public AuthChallenge? GetChallenge(string origin) => _challenges.GetValueOrDefault(origin);

    public void SetChallenge(string origin, AuthChallenge challenge)
    {
        if (_challenges.Count >= MaxChallenges)
        {
            _challenges.Clear();
        }

        _challenges[origin] = challenge;
    }

    public BearerToken? GetToken(TokenCacheKey key)
    {
        if (_tokens.TryGetValue(key, out var token))
        {
            if (token.UseUntil > _time.GetUtcNow())
            {
                return token;
            }

            _tokens.TryRemove(new KeyValuePair<TokenCacheKey, BearerToken>(key, token));
        }

        return null;
    }

    public void SetToken(TokenCacheKey key, BearerToken token)
    {
        if (_tokens.Count >= MaxTokens)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in _tokens)
            {
                if (entry.Value.UseUntil <= now)
                {
                    _tokens.TryRemove(entry);
                }
            }

            if (_tokens.Count >= MaxTokens)
            {
                _tokens.Clear();
            }
        }

        _tokens[key] = token;
    }

    /// <summary>Forgets a token the registry rejected.</summary>
    public void RemoveToken(TokenCacheKey key, BearerToken token)
    {
        _tokens.TryRemove(new KeyValuePair<TokenCacheKey, BearerToken>(key, token));
    }
}
