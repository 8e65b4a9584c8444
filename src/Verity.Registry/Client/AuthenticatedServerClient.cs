using System.Net;
using Verity.Registry.Http;

namespace Verity.Registry.Client;

/// <summary>The <see cref="IAuthenticatedServerClient"/> of one validator; see the interface for the contract.</summary>
internal sealed class AuthenticatedServerClient : IAuthenticatedServerClient
{
    private readonly RegistryTransport _transport;
    private readonly RegistryEndpoint _endpoint;
    private readonly string _operation;

    public AuthenticatedServerClient(RegistryTransport transport, RegistryEndpoint endpoint, string operation)
    {
        _transport = transport;
        _endpoint = endpoint;
        _operation = operation;
    }

    /// <inheritdoc/>
    public Uri BaseUri => _endpoint.BaseUri;

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>?> GetAsync(
        string path, string repository, long maxBytes, string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var request = new RegistryRequest
        {
            Method = HttpMethod.Get,
            Endpoint = _endpoint,
            Repository = repository,
            PathAndQuery = path.TrimStart('/'),
            Accept = "application/json",
            MaxBytes = maxBytes,
            Subject = subject,
            Operation = _operation,
        };
        var response = await _transport.SendAsync(request, cancellationToken);
        if (response.IsSuccess)
        {
            return response.Body;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var detail = RegistryErrorBody.Describe(response.Body);
        throw new RegistryException(
            RegistryErrorKind.ProtocolError,
            $"{subject}: {_endpoint.Label} answered HTTP {(int)response.StatusCode}{(detail is null ? string.Empty : ": " + detail)}")
        { StatusCode = (int)response.StatusCode };
    }
}
