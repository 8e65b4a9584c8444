namespace Verity.Registry.Http;

/// <summary>One logical registry call, as the transport retries, authenticates and redirects it.</summary>
internal sealed record RegistryRequest
{
    /// <summary>GET or HEAD.</summary>
    public required HttpMethod Method { get; init; }

    /// <summary>The registry.</summary>
    public required RegistryEndpoint Endpoint { get; init; }

    /// <summary>The repository, for the token scope <c>repository:&lt;name&gt;:pull</c> and credential lookup.</summary>
    public required string Repository { get; init; }

    /// <summary>The path (and query) below the registry's base, e.g. <c>v2/test/app/manifests/latest</c>.</summary>
    public required string PathAndQuery { get; init; }

    /// <summary>The <c>Accept</c> header, if any.</summary>
    public string? Accept { get; init; }

    /// <summary>Whether redirects are followed (blobs only; credentials never leave the registry's origin).</summary>
    public bool FollowRedirects { get; init; }

    /// <summary>The largest body accepted on success.</summary>
    public required long MaxBytes { get; init; }

    /// <summary>What is being fetched, for messages: <c>manifest "registry/repo:tag"</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The metrics operation: <c>manifest</c>, <c>blob</c>, <c>referrers</c>, <c>tags</c>.</summary>
    public required string Operation { get; init; }
}
