using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Verity.Registry.Http;

/// <summary>Gives every registry client name (<see cref="RegistryHttpClientNames"/>) its own primary handler.</summary>
/// <remarks>
/// The factory's handler rotation is turned off (<see cref="HttpClientFactoryOptions.HandlerLifetime"/> infinite):
/// <see cref="SocketsHttpHandler.PooledConnectionLifetime"/> already recycles connections for DNS changes, and rotating
/// the handler would throw away warm keep-alive connections every two minutes. Credentials are added below the factory's
/// logging handlers (<see cref="AuthorizationHeaderHandler"/>); header values are redacted in its logs anyway.
/// </remarks>
internal sealed class ConfigureRegistryHttpClients : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    private readonly RegistryHttpClientNames _names;
    private readonly IOptions<RegistryClientOptions> _options;

    public ConfigureRegistryHttpClients(RegistryHttpClientNames names, IOptions<RegistryClientOptions> options)
    {
        _names = names;
        _options = options;
    }

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(RegistryHttpClientNames.Prefix, StringComparison.Ordinal)
            || !_names.TryGetTrust(name, out var caCertificates))
        {
            return;
        }

        var settings = _options.Value;
        options.HandlerLifetime = Timeout.InfiniteTimeSpan;
        options.ShouldRedactHeaderValue = _ => true;
        options.HttpClientActions.Add(client => client.Timeout = Timeout.InfiniteTimeSpan);
        options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new AuthorizationHeaderHandler(RegistryHttpHandler.Create(caCertificates, settings)));
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);
}
