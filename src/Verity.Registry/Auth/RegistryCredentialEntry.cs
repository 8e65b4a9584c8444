namespace Verity.Registry.Auth;

/// <summary>One credential and the key it applies to.</summary>
internal sealed record RegistryCredentialEntry(CredentialKey Key, RegistryCredential Credential);
