using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// Starts downloading the delegations a full refresh will search as soon as the root is verified and <c>targets.json</c>
/// has arrived, so they travel while timestamp, snapshot and targets are verified instead of after.
/// </summary>
/// <remarks>
/// <para>Only the schedule changes; nothing here is trusted. Which delegations to fetch early is read from the
/// <em>unverified</em> <c>targets.json</c>: the ones the rule names (or <c>targets/releases</c>, Connaisseur's default)
/// that it declares and the unverified snapshot lists. The verifier still asks for each delegation in TUF's order (TUF §5.6: only once the targets role
/// that delegates it, and the snapshot that lists it, are verified) and checks the early bytes against the snapshot's
/// length and hashes exactly as it checks bytes fetched then; a delegation it does not ask for is simply dropped. A
/// server that lies in <c>targets.json</c>, or metadata that then fails verification, can only cause one wasted download;
/// a collection whose root is not trusted causes none.</para>
/// <para>With a <see cref="TufKeyCache"/>, the keys the unverified <c>targets.json</c> lists for the delegations fetched early
/// (at most <see cref="MaxKeysRead"/>) are read into it on a pool thread, while timestamp, snapshot and targets are verified
/// on this one. That too decides nothing: the verifier later reads the keys the <em>verified</em> targets lists, and the
/// cache gives a key only for exactly the bytes it was read from; keys a lying server listed are only read in vain.</para>
/// <para>One instance per refresh (its downloads use that refresh's deadline).</para>
/// </remarks>
internal sealed class NotaryDelegationPrefetch
{
    /// <summary>The most delegation keys read early (Notary delegations have a few signers' certificates each).</summary>
    public const int MaxKeysRead = 8;

    private readonly NotaryRoleFetcher _fetch;
    private readonly ImmutableArray<string> _requested;
    private readonly TufKeyCache? _keyCache;
    private readonly ConcurrentDictionary<string, Task<byte[]?>> _early = new(StringComparer.Ordinal);

    /// <param name="fetch">Downloads one role.</param>
    /// <param name="requested">The delegations the rule names (with the <c>targets/</c> prefix); empty for the default.</param>
    /// <param name="keyCache">Where to read the early delegations' keys into; null to read none early.</param>
    public NotaryDelegationPrefetch(NotaryRoleFetcher fetch, ImmutableArray<string> requested, TufKeyCache? keyCache = null)
    {
        _fetch = fetch;
        _requested = requested.IsDefaultOrEmpty ? [TufRoles.Releases] : requested;
        _keyCache = keyCache;
    }

    /// <summary>The reading of the early delegations' keys (<see cref="Start"/>), for tests; completed when there is none.</summary>
    internal Task KeysRead { get; private set; } = Task.CompletedTask;

    /// <summary>Starts downloading the delegations the rule searches that the (not yet verified) <paramref name="targets"/>
    /// declares and <paramref name="snapshot"/> lists (a delegation the snapshot does not list is never fetched), and reading
    /// their keys.</summary>
    public void Start(byte[] targets, byte[] snapshot, CancellationToken cancellationToken)
    {
        var candidates = DeclaredAndRequested(targets, out var keys);
        if (candidates.Count == 0)
        {
            return;
        }

        var fetched = Listed(snapshot, candidates);
        foreach (var delegation in fetched)
        {
            var download = _fetch(delegation, null, cancellationToken).AsTask();

            // Observed even when the verifier never asks for it (a failure then only matters if it does).
            _ = download.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            _early.TryAdd(delegation, download);
        }

        if (_keyCache is { } keyCache)
        {
            var toRead = fetched.SelectMany(delegation => keys.GetValueOrDefault(delegation) ?? []).Distinct().Take(MaxKeysRead).ToArray();
            if (toRead.Length > 0)
            {
                KeysRead = Task.Run(
                    () =>
                    {
                        foreach (var (keyType, publicBytes) in toRead)
                        {
                            _ = TufKey.Create(keyType, publicBytes, keyCache).Key;
                        }
                    },
                    CancellationToken.None);
                _ = KeysRead.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>The <see cref="NotaryRoleFetcher"/> for the rest of the refresh: a role started early is taken from its download.</summary>
    public async ValueTask<byte[]?> FetchAsync(string role, long? listedLength, CancellationToken cancellationToken)
    {
        return _early.TryRemove(role, out var early) ? await early : await _fetch(role, listedLength, cancellationToken);
    }

    /// <summary>Those of <paramref name="roles"/> that the unverified <paramref name="snapshot"/> lists in its <c>meta</c>.</summary>
    private static List<string> Listed(byte[] snapshot, List<string> roles)
    {
        try
        {
            using var document = JsonDocument.Parse(snapshot);
            return document.RootElement.TryGetProperty("signed", out var signed) && signed.TryGetProperty("meta", out var meta)
                && meta.ValueKind == JsonValueKind.Object
                ? [.. roles.Where(role => meta.TryGetProperty(role, out _))]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The first-level delegations the rule searches that the unverified <paramref name="targets"/> declares, and
    /// the keys (<c>keytype</c>, decoded <c>keyval.public</c>) it lists for each.</summary>
    private List<string> DeclaredAndRequested(byte[] targets, out Dictionary<string, List<(string KeyType, byte[] Public)>> keys)
    {
        var result = new List<string>();
        keys = new Dictionary<string, List<(string KeyType, byte[] Public)>>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(targets);
            if (document.RootElement.TryGetProperty("signed", out var signed)
                && signed.TryGetProperty("delegations", out var delegations)
                && delegations.TryGetProperty("roles", out var roles)
                && roles.ValueKind == JsonValueKind.Array)
            {
                foreach (var role in roles.EnumerateArray())
                {
                    if (role.ValueKind == JsonValueKind.Object
                        && role.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { } declared
                        && _requested.Contains(declared, StringComparer.Ordinal) && !result.Contains(declared))
                    {
                        result.Add(declared);
                        keys[declared] = ListedKeys(delegations, role);
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed (or a lone surrogate in a name): the verifier will say so; nothing is fetched early.
            result.Clear();
        }

        return result;
    }

    /// <summary>The keys unverified <paramref name="delegations"/> lists for <paramref name="role"/>'s <c>keyids</c>; what does
    /// not read as a key is left out (the verifier reads it, and says so, if it matters).</summary>
    private static List<(string KeyType, byte[] Public)> ListedKeys(JsonElement delegations, JsonElement role)
    {
        var keys = new List<(string KeyType, byte[] Public)>();
        if (!role.TryGetProperty("keyids", out var ids) || ids.ValueKind != JsonValueKind.Array
            || !delegations.TryGetProperty("keys", out var listed) || listed.ValueKind != JsonValueKind.Object)
        {
            return keys;
        }

        foreach (var id in ids.EnumerateArray())
        {
            if (keys.Count == MaxKeysRead)
            {
                break;
            }

            if (id.ValueKind == JsonValueKind.String && listed.TryGetProperty(id.GetString()!, out var key) && key.ValueKind == JsonValueKind.Object
                && key.TryGetProperty("keytype", out var keyType) && keyType.ValueKind == JsonValueKind.String
                && key.TryGetProperty("keyval", out var keyValue) && keyValue.ValueKind == JsonValueKind.Object
                && keyValue.TryGetProperty("public", out var publicValue) && publicValue.ValueKind == JsonValueKind.String
                && publicValue.TryGetBytesFromBase64(out var publicBytes))
            {
                keys.Add((keyType.GetString()!, publicBytes));
            }
        }

        return keys;
    }
}
