using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verity.Registry.Auth;
using Verity.Registry.Http;

namespace Verity.Registry;

/// <summary>Assembles a <see cref="RegistryClient"/> from shared singletons and one validator's settings.</summary>
internal sealed class RegistryClientFactory : IRegistryClientFactory
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
        var name = _names.Register(settings.Name, settings.CaCertificates);
        var insecure = new InsecureHosts(settings.InsecureHttpRegistries.IsDefault ? [] : settings.InsecureHttpRegistries);
        var http = new RegistryHttp(_httpClientFactory.CreateClient(name), _metrics, _time, _logger);
        var credentials = new CredentialProvider(settings, _secrets, _options, _time, _logger);
        var authenticator = new RegistryAuthenticator(http, _authCache, credentials, insecure, _options, _time, _logger);
        var transport = new RegistryTransport(http, authenticator, insecure, _options, _time, _logger);
        return new RegistryClient(transport, insecure);
    }
}
