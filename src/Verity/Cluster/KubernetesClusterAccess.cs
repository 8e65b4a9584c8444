using System.Collections.Immutable;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using Verity.Core.Cluster;

namespace Verity.Cluster;

/// <summary>
/// <see cref="IClusterAccess"/> with the official KubernetesClient: <c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>.
/// </summary>
/// <remarks>
/// The client is created on first use (<see cref="Default"/>: the in-cluster service account when present, else
/// <c>KUBECONFIG</c> or <c>~/.kube/config</c>, as kubectl finds it), so a configuration that never reads the cluster
/// never needs one. Error bodies of the API server are Status objects, never secrets; still, only the status code is
/// quoted.
/// </remarks>
internal sealed class KubernetesClusterAccess : IClusterAccess
{
    private readonly Lazy<IKubernetes> _client;

    public KubernetesClusterAccess(Func<IKubernetes> client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = new Lazy<IKubernetes>(client);
    }

    /// <summary>A client as kubectl would make it: in-cluster first, then the kubeconfig file.</summary>
    public static IKubernetes Default() => new Kubernetes(KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile());

    public async ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var client = Client();
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken);
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
            var status = (int?)e.Response?.StatusCode;
            throw new ClusterAccessException($"reading secret \"{name}\" in namespace \"{@namespace}\" failed with HTTP {status}", status, e);
        }
        catch (HttpRequestException e)
        {
            throw new ClusterAccessException($"the Kubernetes API server could not be reached ({e.Message})", null, e);
        }
    }

    private IKubernetes Client()
    {
        try
        {
            return _client.Value;
        }
        catch (Exception e) when (e is KubeConfigException or IOException or InvalidOperationException)
        {
            // The client's own message is long (environment variables, deployment hints); it stays in the inner exception.
            throw new ClusterAccessException("no Kubernetes API client (the in-cluster configuration is not available)", null, e) { NoClient = true };
        }
    }
}
