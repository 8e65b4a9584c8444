using System.Runtime.InteropServices;
using Verity.Registry;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Validators.NotaryV1;

/// <summary>
/// The trust data of one collection as a validation downloads it from a Notary server:
/// <c>GET &lt;host&gt;/v2/&lt;gun&gt;/_trust/tuf/&lt;role&gt;.json</c>, within the limits of <see cref="NotaryLimits"/>.
/// </summary>
/// <remarks>
/// <see cref="FetchAsync"/> is a <see cref="NotaryRoleFetcher"/>: every call is a download, so a verifier that
/// starts again from scratch gets the files as served now. <see cref="NotaryTrustVerifier"/> asks for each role
/// once per refresh.
/// </remarks>
internal sealed class NotaryTrustDataFetch
{
    private readonly IAuthenticatedServerClient _client;
    private readonly string _gun;

    public NotaryTrustDataFetch(IAuthenticatedServerClient client, string gun)
    {
        _client = client;
        _gun = gun;
    }

    /// <summary>The role's bytes as served, or null when the server has no such file (404).</summary>
    /// <exception cref="RegistryException">The server could not be asked, or answered with another error.</exception>
    /// <exception cref="LengthOrHashMismatchException">A delegation is longer than the snapshot says.</exception>
    public async ValueTask<byte[]?> FetchAsync(string role, long? listedLength, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? body;
        try
        {
            body = await _client.GetAsync(
                $"v2/{_gun}/_trust/tuf/{role}.json", _gun, NotaryLimits.For(role, listedLength), $"{role}.json of GUN \"{_gun}\"", cancellationToken);
        }
        catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge && listedLength <= NotaryLimits.Cap(role))
        {
            // TUF §5.5.1, §5.6.1: the listed length is the download limit; more bytes is a mismatch, not an outage.
            var listedBy = role == TufRoles.Snapshot ? "timestamp" : "snapshot";
            throw new LengthOrHashMismatchException($"{role} of \"{_gun}\" is longer than the {listedLength} bytes the {listedBy} lists", e);
        }

        if (body is not { } bytes)
        {
            return null;
        }

        return MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();
    }
}
