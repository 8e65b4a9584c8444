namespace Verity.Core.Cluster;

/// <summary>
/// Everything Verity reads from or writes to the Kubernetes cluster, behind one port: secrets today (registry
/// credentials, <c>k8s://</c> cosign keys); owners, namespaces and policy reports as the operating features need them.
/// </summary>
/// <remarks>
/// Implemented once with the official KubernetesClient (the in-cluster service account, else <c>KUBECONFIG</c>),
/// and by a directory of files for local use (<c>verity serve --secrets-dir</c>). Callers never see the client's
/// types or its exceptions: a failure is a <see cref="ClusterAccessException"/> with a one-line message. Values
/// read are never logged.
/// </remarks>
public interface IClusterAccess
{
    /// <summary>The data of secret <paramref name="name"/> in <paramref name="namespace"/> (key → bytes), or null when there is no such secret.</summary>
    /// <exception cref="ClusterAccessException">The secret could not be read (no API server, refused, failed).</exception>
    ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken);
}
