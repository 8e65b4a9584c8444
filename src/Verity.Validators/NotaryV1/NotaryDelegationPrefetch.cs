using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// Starts downloading the delegations a validation will search as soon as <c>targets.json</c> has arrived, so they travel
/// while the top-level roles are verified instead of after (one round trip less for a first validation).
/// </summary>
/// <remarks>
/// <para>Only the schedule changes; nothing here is trusted. Which delegations to fetch early is read from the
/// <em>unverified</em> <c>targets.json</c>: the ones the rule names (or <c>targets/releases</c>, Connaisseur's default)
/// that it declares. The verifier still asks for each delegation in TUF's order (TUF §5.6: only once the targets role
/// that delegates it, and the snapshot that lists it, are verified) and checks the early bytes against the snapshot's
/// length and hashes exactly as it checks bytes fetched then; a delegation it does not ask for is simply dropped. A
/// server that lies in <c>targets.json</c> can only cause one wasted download: no request is made that a validation of
/// an honest server's collection would not make too.</para>
/// <para>One instance per validation (its downloads use that validation's deadline).</para>
/// </remarks>
internal sealed class NotaryDelegationPrefetch
{
    private readonly NotaryRoleFetcher _fetch;
    private readonly ImmutableArray<string> _requested;
    private readonly ConcurrentDictionary<string, Task<byte[]?>> _early = new(StringComparer.Ordinal);

    /// <param name="fetch">Downloads one role.</param>
    /// <param name="requested">The delegations the rule names (with the <c>targets/</c> prefix); empty for the default.</param>
    public NotaryDelegationPrefetch(NotaryRoleFetcher fetch, ImmutableArray<string> requested)
    {
        _fetch = fetch;
        _requested = requested.IsDefaultOrEmpty ? [TufRoles.Releases] : requested;
    }

    /// <summary>The <see cref="NotaryRoleFetcher"/> to hand to the verifier.</summary>
    public async ValueTask<byte[]?> FetchAsync(string role, long? listedLength, CancellationToken cancellationToken)
    {
        if (_early.TryRemove(role, out var early))
        {
            return await early;
        }

        var body = await _fetch(role, listedLength, cancellationToken);
        if (role == TufRoles.Targets && body is not null)
        {
            foreach (var delegation in DeclaredAndRequested(body))
            {
                var download = _fetch(delegation, null, cancellationToken).AsTask();

                // Observed even when the verifier never asks for it (a failure then only matters if it does).
                _ = download.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                _early.TryAdd(delegation, download);
            }
        }

        return body;
    }

    /// <summary>The first-level delegations the rule searches that the unverified <paramref name="targets"/> declares.</summary>
    private List<string> DeclaredAndRequested(byte[] targets)
    {
        var result = new List<string>();
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
                    if (role.TryGetProperty("name", out var name) && name.GetString() is { } declared
                        && _requested.Contains(declared, StringComparer.Ordinal) && !result.Contains(declared))
                    {
                        result.Add(declared);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: the verifier will say so; nothing is fetched early.
        }

        return result;
    }
}
