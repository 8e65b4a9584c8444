using Verity.Core.Cluster;

namespace Verity.Registry.Auth;

/// <summary>Reads <c>auth.secretName</c> secrets of Verity's namespace through the cluster port (<see cref="IClusterAccess"/>).</summary>
/// <remarks>Needs RBAC <c>get</c> on the named secrets in that namespace.</remarks>
public sealed class KubernetesSecretSource : ISecretSource
{
    private readonly IClusterAccess _cluster;
    private readonly string _namespace;

    /// <summary>Creates a source for secrets in <paramref name="namespace"/>.</summary>
    public KubernetesSecretSource(IClusterAccess cluster, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        _cluster = cluster;
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
            return await _cluster.GetSecretAsync(_namespace, name, cancellationToken);
        }
        catch (ClusterAccessException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
