namespace Verity.Registry;

/// <summary>
/// Reads files from one server that authenticates like a registry but does not serve the distribution API — a
/// Notary server — with the registry client's credentials, token cache, TLS trust, timeouts, retries and limits.
/// </summary>
/// <remarks>
/// <para>
/// A request is <c>GET &lt;base&gt;/&lt;path&gt;</c>. When the server answers 401 with a challenge, it is answered as a
/// registry's would be (<see cref="IRegistryClient"/>): HTTP Basic with the credentials for the server's host, or a
/// Docker token for <c>repository:&lt;repository&gt;:pull</c> from the challenge's realm, cached and shared with every
/// other client. Redirects are refused. Each exchange has its own timeout and transient failures (408, 429, 5xx,
/// timeouts, connection failures) are retried while attempts remain (<see cref="RegistryClientOptions"/>).
/// </para>
/// <para>
/// Failures are <see cref="RegistryException"/>s whose message starts with the caller's subject and names the server,
/// e.g. <c>root.json of GUN "docker.io/library/nginx": Notary server notary.docker.io answered HTTP 503 (3 attempts)</c>.
/// When the caller's token is cancelled, <see cref="OperationCanceledException"/> is thrown instead.
/// </para>
/// </remarks>
public interface IAuthenticatedServerClient
{
    /// <summary>The server's base URL, e.g. <c>https://notary.docker.io/</c>.</summary>
    Uri BaseUri { get; }

    /// <summary>Fetches a file below <see cref="BaseUri"/>.</summary>
    /// <param name="path">The path below the base, e.g. <c>v2/docker.io/library/nginx/_trust/tuf/root.json</c>.</param>
    /// <param name="repository">The repository the file belongs to: the token scope <c>repository:&lt;repository&gt;:pull</c>
    /// and the credential lookup (e.g. a Notary GUN).</param>
    /// <param name="maxBytes">The largest body accepted; a larger one fails with <see cref="RegistryErrorKind.TooLarge"/>.</param>
    /// <param name="subject">What is being fetched, for messages, e.g. <c>root.json of GUN "docker.io/library/nginx"</c>.</param>
    /// <param name="cancellationToken">The caller's deadline.</param>
    /// <returns>The body exactly as served, or null when the server answered 404.</returns>
    /// <exception cref="RegistryException">Any answer but 2xx and 404, or no answer.</exception>
    ValueTask<ReadOnlyMemory<byte>?> GetAsync(string path, string repository, long maxBytes, string subject, CancellationToken cancellationToken);
}
