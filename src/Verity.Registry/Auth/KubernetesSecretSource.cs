using System.Collections.Immutable;
using System.Net;
using k8s;
using k8s.Autorest;

namespace Verity.Registry.Auth;

/// <summary>Reads secrets from the Kubernetes API server (<c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>).</summary>
/// <remarks>
/// Needs RBAC <c>get</c> on the named secrets in Verity's namespace. The <see cref="IKubernetes"/> client is
/// created by the host (in-cluster configuration); this class only calls it.
/// </remarks>
public sealed class KubernetesSecretSource : ISecretSource
{
    private readonly IKubernetes _client;
    private readonly string _namespace;

    /// <summary>Creates a source for secrets in <paramref name="namespace"/>.</summary>
    public KubernetesSecretSource(IKubernetes client, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        _client = client;
        _namespace = @namespace;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsValidSecretName(name))
        {
            throw new InvalidOperationException($"\"{name}\" is not a valid secret name");
        }

        try
        {
            var secret = await _client.CoreV1.ReadNamespacedSecretAsync(name, _namespace, cancellationToken: cancellationToken);
            return secret.Data is null
                ? ImmutableDictionary<string, byte[]>.Empty
                : secret.Data.ToImmutableDictionary(StringComparer.Ordinal);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            // The response body of a failed read is a Status object, never the secret; still, quote only the code.
            throw new InvalidOperationException(
                $"reading secret \"{name}\" in namespace \"{_namespace}\" failed with HTTP {(int?)e.Response?.StatusCode}", e);
        }
    }
}
