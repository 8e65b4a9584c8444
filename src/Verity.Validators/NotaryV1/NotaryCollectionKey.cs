using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// What verified trust data is kept under (<see cref="NotaryTrustCache"/>): the server it came from, the collection,
/// the pinned root keys it was verified against, and the strictness it was verified with.
/// </summary>
/// <param name="Server">The server's full base URL (<see cref="NotaryTrustRequest.ServerUrl"/>); empty when there is none.</param>
/// <param name="Gun">The collection.</param>
/// <param name="TrustRoots">The SHA-256 fingerprints of the pinned keys, sorted and joined: a rule pinning other keys
/// never reuses what these keys vouched for.</param>
/// <param name="Options">The verification options.</param>
internal readonly record struct NotaryCollectionKey(string Server, string Gun, string TrustRoots, TufVerificationOptions Options)
{
    /// <summary>The key for <paramref name="request"/> verified with <paramref name="options"/>.</summary>
    public static NotaryCollectionKey For(NotaryTrustRequest request, TufVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        var roots = request.TrustRoots;
        var fingerprints = roots.Length == 1
            ? roots[0].Key.Fingerprint()
            : string.Join(',', roots.Select(r => r.Key.Fingerprint()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return new NotaryCollectionKey(request.ServerUrl ?? string.Empty, request.Gun, fingerprints, options);
    }
}
