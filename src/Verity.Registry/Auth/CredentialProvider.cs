using Microsoft.Extensions.Logging;
using Verity.Registry.Http;

namespace Verity.Registry.Auth;

/// <summary>
/// The credentials of one registry client: inline ones from <see cref="RegistryClientSettings.Auth"/> and those of
/// its secret, read lazily through <see cref="ISecretSource"/> and re-read every
/// <see cref="RegistryClientOptions.CredentialRefreshInterval"/>.
/// </summary>
/// <remarks>
/// Nothing is read until a registry asks for authentication, so a validator whose registries are anonymous never
/// depends on its secret. When re-reading fails, the previous credentials stay in use (a transient API server error
/// must not lock Verity out); when the first read fails, the call fails with <see cref="RegistryErrorKind.Unauthorized"/>.
/// Inline credentials come first, so on an equally specific key they win over the secret's.
/// </remarks>
internal sealed class CredentialProvider
{
    private readonly string _client;
    private readonly string? _secretName;
    private readonly string? _unscopedRegistry;
    private readonly RegistryCredentialStore _inline;
    private readonly ISecretSource _secrets;
    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task<RegistryCredentialStore>? _secretStore;
    private DateTimeOffset _loadedAt;
    private RegistryCredentialStore? _lastGood;

    public CredentialProvider(
        RegistryClientSettings settings, ISecretSource secrets, RegistryClientOptions options, TimeProvider time, ILogger logger)
    {
        _client = settings.Name;
        _secrets = secrets;
        _options = options;
        _time = time;
        _logger = logger;
        _unscopedRegistry = settings.UnscopedCredentialsRegistry;
        _secretName = settings.Auth?.SecretName;
        _inline = RegistryCredentialStore.Empty;
        if (settings.Auth is { Username: { Length: > 0 } user, Password: { } password } auth)
        {
            var registry = auth.Registry ?? _unscopedRegistry;
            if (registry is null)
            {
                logger.UnscopedCredentialsIgnored(_client, user);
            }
            else
            {
                _inline = RegistryCredentialStore.FromCredential(registry, new RegistryCredential(user, password));
            }
        }

        if (settings.Auth?.UseKeychain == true)
        {
            logger.KeychainUnsupported(_client);
        }
    }

    /// <summary>The credential for a repository, or null for anonymous access.</summary>
    /// <exception cref="RegistryException"><see cref="RegistryErrorKind.Unauthorized"/>: the secret could not be read.</exception>
    public async ValueTask<RegistryCredential?> FindAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        var store = _inline;
        if (_secretName is not null)
        {
            store = store.Concat(await GetSecretStoreAsync(cancellationToken));
        }

        return store.Find(registry, repository);
    }

    private async Task<RegistryCredentialStore> GetSecretStoreAsync(CancellationToken cancellationToken)
    {
        Task<RegistryCredentialStore> task;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_secretStore is null || _secretStore.IsFaulted
                || (_secretStore.IsCompleted && now - _loadedAt >= _options.CredentialRefreshInterval))
            {
                _secretStore = LoadAsync(_secretName!);
                _loadedAt = now;
            }

            task = _secretStore;
        }

        return await task.WaitAsync(cancellationToken);
    }

    private async Task<RegistryCredentialStore> LoadAsync(string secretName)
    {
        // Shared by concurrent callers, so not bound to any one caller's token; bounded by its own timeout.
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        try
        {
            var data = await _secrets.GetSecretAsync(secretName, timeout.Token)
                ?? throw new InvalidOperationException($"secret \"{secretName}\" does not exist");
            var store = RegistryCredentialStore.FromSecretData(data, secretName, _unscopedRegistry);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.CredentialsLoaded(_client, store.Count, secretName, string.Join(", ", store.Keys));
            }

            _lastGood = store;
            return store;
        }
        catch (Exception e) when (e is not RegistryException)
        {
            if (_lastGood is { } previous)
            {
                _logger.CredentialReloadFailed(_client, secretName, e);
                return previous;
            }

            var reason = e is OperationCanceledException ? "reading it timed out" : e.Message;
            throw new RegistryException(
                RegistryErrorKind.Unauthorized, $"registry client \"{_client}\" could not load credentials from secret \"{secretName}\": {reason}", e);
        }
    }
}
