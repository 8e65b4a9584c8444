namespace Verity.Registry.Auth;

/// <summary>
/// What a cached token is valid for: the token service (realm and service), the scope, and the credential it was
/// issued to (a hash; empty for anonymous tokens), so tokens never cross credentials.
/// </summary>
internal sealed record TokenCacheKey(string Realm, string Service, string Scope, string CredentialFingerprint);
