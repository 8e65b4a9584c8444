namespace Verity.Registry;

/// <summary>Why a registry call failed; see <see cref="RegistryException.Kind"/>.</summary>
/// <remarks>
/// Validators map <see cref="NotFound"/> to "image does not exist" and every other kind to "registry
/// unavailable" (or a more specific sentence): the two must never be confused, so only an HTTP 404 from the
/// registry itself is <see cref="NotFound"/>.
/// </remarks>
public enum RegistryErrorKind
{
    /// <summary>The registry answered 404: unknown manifest, tag, blob or repository.</summary>
    NotFound,

    /// <summary>The registry or its token service refused access (401/403), or credentials could not be loaded.</summary>
    Unauthorized,

    /// <summary>A response was larger than the caller's byte limit.</summary>
    TooLarge,

    /// <summary>Content did not hash to the requested digest, or a tag's content did not match the registry's <c>Docker-Content-Digest</c>.</summary>
    DigestMismatch,

    /// <summary>Every attempt ran out of its per-request time.</summary>
    Timeout,

    /// <summary>The registry could not be reached, or kept answering 429/5xx.</summary>
    Unavailable,

    /// <summary>The registry broke the protocol: malformed manifest or challenge, refused redirect, unexpected status.</summary>
    ProtocolError,
}
