using System.Net;

namespace Verity.Registry.Http;

/// <summary>The final answer to a <see cref="RegistryRequest"/>: status, the headers the client uses, and the bounded body.</summary>
internal sealed record RegistryResponse
{
    public required HttpStatusCode StatusCode { get; init; }

    /// <summary>The body of a 2xx answer (empty for HEAD), or up to 64 KiB of an error body.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The <c>Docker-Content-Digest</c> header, unparsed.</summary>
    public string? DockerContentDigest { get; init; }

    /// <summary>The <c>OCI-Filters-Applied</c> header of a referrers answer.</summary>
    public string? FiltersApplied { get; init; }

    /// <summary>The target of a <c>Link: &lt;…&gt;; rel="next"</c> header (pagination), if any.</summary>
    public string? NextLink { get; init; }

    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;
}
