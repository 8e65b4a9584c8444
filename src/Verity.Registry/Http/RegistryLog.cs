using Verity.Core.Logging;
using Microsoft.Extensions.Logging;

namespace Verity.Registry.Http;

/// <summary>The registry client's log messages. Event ids 2000–2099 belong to Verity.Registry.</summary>
/// <remarks>Messages name registries, repositories, digests, token realms and user names; never passwords, tokens or bodies.</remarks>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = EventIds.RegistryRequestCompleted, Level = LogLevel.Debug, Message = "{Method} {Url} ({Operation}) answered {StatusCode} in {ElapsedMs:0} ms")]
    public static partial void RequestCompleted(this ILogger logger, string method, string url, string operation, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = EventIds.RegistryRequestFailed, Level = LogLevel.Debug, Message = "{Method} {Url} ({Operation}) failed after {ElapsedMs:0} ms")]
    public static partial void RequestFailed(this ILogger logger, string method, string url, string operation, double elapsedMs, Exception exception);

    [LoggerMessage(EventId = EventIds.RegistryRetrying, Level = LogLevel.Warning, Message = "{Subject}: {Reason}; retrying in {DelayMs:0} ms (attempt {Attempt} of {MaxAttempts})")]
    public static partial void Retrying(this ILogger logger, string subject, string reason, double delayMs, int attempt, int maxAttempts);

    [LoggerMessage(EventId = EventIds.RegistryTokenFetched, Level = LogLevel.Debug, Message = "fetched a bearer token for {Scope} from {Realm} as {Identity}, used for {Seconds:0} s")]
    public static partial void TokenFetched(this ILogger logger, string scope, string realm, string identity, double seconds);

    [LoggerMessage(EventId = EventIds.RegistryFollowingRedirect, Level = LogLevel.Debug, Message = "{Subject}: following a redirect to {Target} (credentials are sent only to {Origin})")]
    public static partial void FollowingRedirect(this ILogger logger, string subject, string target, string origin);

    [LoggerMessage(EventId = EventIds.RegistryCredentialReloadFailed, Level = LogLevel.Warning, Message = "registry client {Client}: could not reload the credentials of secret {SecretName}, keeping the previous ones")]
    public static partial void CredentialReloadFailed(this ILogger logger, string client, string secretName, Exception exception);

    [LoggerMessage(EventId = EventIds.RegistryUnscopedCredentialsIgnored, Level = LogLevel.Warning, Message = "registry client {Client}: inline credentials of {User} name no registry and are not used; set auth.registry")]
    public static partial void UnscopedCredentialsIgnored(this ILogger logger, string client, string user);

    [LoggerMessage(EventId = EventIds.RegistryKeychainUnsupported, Level = LogLevel.Warning, Message = "registry client {Client}: auth.useKeychain is not supported; registries are accessed with the other configured credentials or anonymously")]
    public static partial void KeychainUnsupported(this ILogger logger, string client);

    [LoggerMessage(EventId = EventIds.RegistryCredentialsLoaded, Level = LogLevel.Debug, Message = "registry client {Client}: loaded {Count} credential(s) from secret {SecretName} for {Keys}")]
    public static partial void CredentialsLoaded(this ILogger logger, string client, int count, string secretName, string keys);
}
