namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>What trust state is kept under: one collection on one Notary server.</summary>
/// <param name="ServerUrl">The Notary server's full base URL (scheme, host, port and path), e.g.
/// <c>https://notary.docker.io/</c>; empty when there is none. Two servers on one host and port (another scheme or
/// path) are two sources of trust data, and what one served never sets the floor or the root for the other.</param>
/// <param name="Gun">The collection, e.g. <c>docker.io/library/nginx</c>.</param>
internal readonly record struct TrustStateKey(string ServerUrl, string Gun)
{
    /// <inheritdoc/>
    public override string ToString() => ServerUrl.Length == 0 ? $"\"{Gun}\"" : $"\"{Gun}\" on {ServerUrl}";
}
