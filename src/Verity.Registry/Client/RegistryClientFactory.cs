using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verity.Registry.Auth;
using Verity.Registry.Http;

namespace Verity.Registry.Client;

/// <summary>
/// Assembles a <see cref="RegistryClient"/> or an <see cref="AuthenticatedServerClient"/> from shared singletons and
/// one validator's settings.
/// </summary>
internal sealed class RegistryClientFactory : IRegistryClientFactory, IAuthenticatedServerClientFactory
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly RegistryHttpClientNames _names;
    private readonly RegistryAuthCache _authCache;
    private readonly RegistryMetrics _metrics;
    private readonly ISecretSource _secrets;
    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RegistryClientFactory(
        IHttpClientFactory httpClientFactory,
        RegistryHttpClientNames names,
        RegistryAuthCache authCache,
        RegistryMetrics metrics,
        ISecretSource secrets,
        IOptions<RegistryClientOptions> options,
        TimeProvider time,
        ILogger<RegistryClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _names = names;
        _authCache = authCache;
        _metrics = metrics;
        _secrets = secrets;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public IRegistryClient Create(RegistryClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(settings.Name);
        var insecure = Insecure(settings);
        return new RegistryClient(Transport(settings, insecure), insecure);
    }

    /// <inheritdoc/>
    public IAuthenticatedServerClient Create(RegistryClientSettings settings, AuthenticatedServer server)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(settings.Name);
        var baseUri = server.BaseUri;
        if (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(baseUri.Host))
        {
            throw new ArgumentException($"{server.Kind} URL \"{baseUri}\" is not an absolute http(s) URL", nameof(server));
        }

        var insecure = Insecure(settings);
        if (!insecure.IsAllowed(baseUri))
        {
            throw new ArgumentException(
                $"{server.Kind} {baseUri.Authority} is plain HTTP; list it in the insecure HTTP registries to allow it", nameof(server));
        }

        var endpoint = RegistryEndpoint.ForServer(baseUri, server.Kind);
        return new AuthenticatedServerClient(Transport(settings, insecure), endpoint, server.Operation);
    }

    private static InsecureHosts Insecure(RegistryClientSettings settings)
    {
        return new InsecureHosts(settings.InsecureHttpRegistries.IsDefault ? [] : settings.InsecureHttpRegistries);
    }

    private RegistryTransport Transport(RegistryClientSettings settings, InsecureHosts insecure)
    {
        var name = _names.Register(settings.Name, settings.CaCertificates);
        var http = new RegistryHttp(_httpClientFactory.CreateClient(name), _metrics, _time, _logger);
        var credentials = new CredentialProvider(settings, _secrets, _options, _time, _logger);
        var authenticator = new RegistryAuthenticator(http, _authCache, credentials, insecure, _options, _time, _logger);
        return new RegistryTransport(http, authenticator, insecure, _options, _time, _logger);
    }
}
