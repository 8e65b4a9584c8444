namespace Verity.Testing;

/// <summary>A request a <see cref="TestHttpServer"/> received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query, e.g. <c>/v2/test/app/manifests/latest</c>.</param>
/// <param name="Authorization">The <c>Authorization</c> header, if any.</param>
/// <param name="Accept">The <c>Accept</c> header, if any.</param>
/// <param name="ConnectionId">Kestrel's connection id: requests on one kept-alive connection share it.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string? Accept, string ConnectionId)
{
    /// <summary>The path without the query.</summary>
    public string Path => PathAndQuery.Split('?')[0];
}
