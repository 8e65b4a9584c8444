namespace Verity.Validators.NotaryV1;

/// <summary>
/// Fetches one role's metadata of the collection being verified, e.g. from
/// <c>GET &lt;host&gt;/v2/&lt;gun&gt;/_trust/tuf/&lt;role&gt;.json</c>.
/// </summary>
/// <param name="role">The role: <c>root</c>, <c>timestamp</c>, <c>snapshot</c>, <c>targets</c>, or a
/// delegation such as <c>targets/releases</c>.</param>
/// <param name="listedLength">The length the snapshot lists for the role when it is known before the fetch
/// (delegations), else null. A fetcher may refuse a longer body (TUF §5.6.1), besides its own absolute limit.</param>
/// <param name="cancellationToken">The request deadline.</param>
/// <returns>The body exactly as served (hashes are over these bytes), or null when the server has no such
/// role (HTTP 404).</returns>
/// <exception cref="Exception">Any other failure (network, 5xx, timeout, body too large): the evidence could
/// not be obtained, and the caller fails closed.</exception>
internal delegate ValueTask<byte[]?> NotaryRoleFetcher(string role, long? listedLength, CancellationToken cancellationToken);
