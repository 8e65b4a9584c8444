namespace Verity.Registry;

/// <summary>The server an <see cref="IAuthenticatedServerClient"/> talks to.</summary>
public sealed record AuthenticatedServer
{
    /// <summary>The base URL, e.g. <c>https://notary.docker.io</c>; a path is kept (requests go below it).</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>What the server is, for messages: <c>Notary server</c> gives <c>Notary server notary.docker.io answered HTTP 503</c>.</summary>
    public string Kind { get; init; } = "server";

    /// <summary>The <c>verity.registry.operation</c> tag of the request metrics, e.g. <c>notary</c>.</summary>
    public string Operation { get; init; } = "server";
}
