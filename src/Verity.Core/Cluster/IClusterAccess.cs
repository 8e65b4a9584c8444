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

    /// <summary>
    /// The workload <paramref name="owner"/> names, in <paramref name="namespace"/>, or null when there is none or its
    /// kind is not one that makes Pods.
    /// </summary>
    /// <exception cref="ClusterAccessException">It could not be read.</exception>
    ValueTask<ClusterWorkload?> GetWorkloadAsync(string @namespace, OwnerReference owner, CancellationToken cancellationToken);

    /// <summary>The labels of namespace <paramref name="name"/>, or null when there is no such namespace.</summary>
    /// <exception cref="ClusterAccessException">It could not be read.</exception>
    ValueTask<IReadOnlyDictionary<string, string>?> GetNamespaceLabelsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the namespace's policy report.</summary>
    /// <exception cref="ClusterAccessException">It could not be written.</exception>
    ValueTask SavePolicyReportAsync(PolicyReport report, CancellationToken cancellationToken);
}
