namespace Verity.Registry.Auth;

/// <summary>Reads a Kubernetes secret named by <c>auth.secretName</c>.</summary>
/// <remarks>
/// Implementations: <see cref="MountedSecretSource"/> (files mounted at <c>/app/secrets/&lt;name&gt;/</c>, as
/// Connaisseur's chart does) and <see cref="KubernetesSecretSource"/> (the API server, through the official
/// client). Secret values are returned to the credential parser only and are never logged.
/// </remarks>
public interface ISecretSource
{
    /// <summary>The secret's data (file name or data key → bytes), or null if there is no such secret.</summary>
    /// <exception cref="InvalidOperationException">The secret could not be read (other than not existing).</exception>
    ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string name, CancellationToken cancellationToken);
}
