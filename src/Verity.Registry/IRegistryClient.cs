using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Registry.Manifests;
using Verity.Registry.Referrers;

namespace Verity.Registry;

/// <summary>
/// Reads from OCI distribution registries (OCI distribution specification 1.1): resolves tags, fetches manifests,
/// blobs, referrers and tag lists, with one validator's credentials and TLS trust.
/// </summary>
/// <remarks>
/// <para>
/// Every call takes a byte limit for the response (see <see cref="RegistryLimits"/>) and the caller's
/// <see cref="CancellationToken"/> (the admission deadline); each HTTP exchange also has its own timeout and transient
/// failures are retried while attempts remain (<see cref="RegistryClientOptions"/>).
/// </para>
/// <para>
/// Content is verified before it is returned: a manifest or blob fetched by digest must hash to that digest, and a
/// manifest fetched by tag must match the registry's <c>Docker-Content-Digest</c>; the digest reported is always the
/// one Verity computed.
/// </para>
/// <para>
/// Failures are <see cref="RegistryException"/>s; <see cref="RegistryErrorKind.NotFound"/> (HTTP 404) means the
/// image, tag, blob or repository does not exist, every other kind that Verity could not find out. When the
/// caller's token is cancelled, <see cref="OperationCanceledException"/> is thrown instead. Where an absent thing is an
/// expected answer (a signature tag, referrers), the method returns a value instead of throwing.
/// </para>
/// <para>
/// Methods that take an image only as "repository" use its <see cref="ImageReference.Registry"/> and
/// <see cref="ImageReference.Repository"/> and ignore its tag and digest.
/// </para>
/// </remarks>
public interface IRegistryClient
{
    /// <summary>
    /// The digest <paramref name="image"/> refers to: its own digest if it has one (no request is made), else the digest
    /// of the manifest its tag points to.
    /// </summary>
    /// <remarks>
    /// Sends <c>HEAD /v2/&lt;name&gt;/manifests/&lt;tag&gt;</c> and uses <c>Docker-Content-Digest</c>; if the registry does not
    /// answer HEAD usefully (no or invalid header, 405…), falls back to GET and computes the digest of the bytes.
    /// </remarks>
    /// <param name="image">The image.</param>
    /// <param name="maxBytes">The largest manifest accepted (also checked against the HEAD's <c>Content-Length</c>).</param>
    /// <param name="cancellationToken">The caller's deadline.</param>
    /// <exception cref="RegistryException"><see cref="RegistryErrorKind.NotFound"/> when the tag does not exist.</exception>
    ValueTask<Digest> ResolveAsync(ImageReference image, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The manifest (or index) <paramref name="image"/> refers to: by its digest if it has one, else by its tag.</summary>
    /// <exception cref="RegistryException"><see cref="RegistryErrorKind.NotFound"/> when it does not exist.</exception>
    ValueTask<RegistryManifest> GetManifestAsync(ImageReference image, long maxBytes, CancellationToken cancellationToken);

    /// <summary>As <see cref="GetManifestAsync"/>, but null when the manifest does not exist (e.g. a signature tag).</summary>
    ValueTask<RegistryManifest?> TryGetManifestAsync(ImageReference image, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The blob <paramref name="digest"/> in <paramref name="repository"/>'s repository, verified against the digest.</summary>
    /// <remarks>Redirects (e.g. to object storage) are followed, without credentials to other hosts.</remarks>
    /// <exception cref="RegistryException"><see cref="RegistryErrorKind.NotFound"/> when it does not exist.</exception>
    ValueTask<ReadOnlyMemory<byte>> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// The manifests that name <paramref name="subject"/> as their subject, optionally only those of
    /// <paramref name="artifactType"/>: from the referrers API, or, when it answers 404, from the referrers tag
    /// (<c>sha256-&lt;hex&gt;</c>). No referrers is an empty list, not an error.
    /// </summary>
    /// <param name="repository">The repository of the subject.</param>
    /// <param name="subject">The subject manifest's digest.</param>
    /// <param name="artifactType">Keep only referrers of this artifact type; null for all.</param>
    /// <param name="maxBytes">The largest referrers response accepted (all pages together).</param>
    /// <param name="cancellationToken">The caller's deadline.</param>
    ValueTask<ReferrerList> GetReferrersAsync(
        ImageReference repository, Digest subject, string? artifactType, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The tags of <paramref name="repository"/>'s repository, following pagination.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="maxBytes">The largest response accepted (all pages together).</param>
    /// <param name="cancellationToken">The caller's deadline.</param>
    /// <exception cref="RegistryException"><see cref="RegistryErrorKind.NotFound"/> when the repository does not exist.</exception>
    ValueTask<ImmutableArray<string>> ListTagsAsync(ImageReference repository, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection to the registry of <paramref name="repository"/> (TLS handshake included) so that a later request
    /// finds it in the pool: <c>GET /v2/</c>, the distribution API's version check, answering an authentication
    /// challenge as any request does (scoped to <paramref name="repository"/>'s repository). Any HTTP answer will do.
    /// </summary>
    /// <exception cref="RegistryException">No answer (refused, unreachable, timed out), or authentication failed.</exception>
    ValueTask PingAsync(ImageReference repository, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
