using Verity.Registry.Auth;
using Verity.Core.Cluster;

namespace Verity.Cluster;

/// <summary>
/// <see cref="IClusterAccess"/> for local use: secret <c>&lt;name&gt;</c> of namespace <c>&lt;ns&gt;</c> is the folder
/// <c>&lt;root&gt;/&lt;ns&gt;/&lt;name&gt;/</c>, one file per key (<c>verity serve --secrets-dir</c>).
/// </summary>
/// <remarks>
/// Names are checked to be Kubernetes object names, so that no name leaves the root. Within a namespace's folder the
/// secrets are read as mounted secrets are (<see cref="MountedSecretSource"/>: projection links skipped, 1 MiB a file).
/// </remarks>
internal sealed class DirectoryClusterAccess(string root) : IClusterAccess
{
    public async ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsValidSecretName(@namespace))
        {
            throw new ClusterAccessException($"\"{@namespace}/{name}\" is not a valid namespace and secret name");
        }

        // The folder of one namespace holds its secrets as the chart mounts them: the mounted-secret reader applies.
        try
        {
            return await new MountedSecretSource(Path.Combine(root, @namespace)).GetSecretAsync(name, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new ClusterAccessException($"secret \"{@namespace}/{name}\": {e.Message}", null, e);
        }
    }

    /// <summary>No workloads are kept as files: owners are never found, so children are validated like any other workload.</summary>
    public ValueTask<ClusterWorkload?> GetWorkloadAsync(string @namespace, OwnerReference owner, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ClusterWorkload?>(null);

    /// <summary>No namespaces are kept as files: every namespace is unknown, so namespaced validation validates.</summary>
    public ValueTask<IReadOnlyDictionary<string, string>?> GetNamespaceLabelsAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string>?>(null);

    /// <summary>Writes the report as <c>&lt;root&gt;/&lt;namespace&gt;/policyreport-&lt;name&gt;.json</c>.</summary>
    public async ValueTask SavePolicyReportAsync(PolicyReport report, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsValidSecretName(report.Namespace) || !KubernetesNames.IsValidSecretName(report.Name))
        {
            throw new ClusterAccessException($"\"{report.Namespace}/{report.Name}\" is not a valid namespace and report name");
        }

        var folder = Directory.CreateDirectory(Path.Combine(root, report.Namespace));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, $"policyreport-{report.Name}.json"), PolicyReportJson.ToJson(report).ToJsonString(), cancellationToken);
    }
}
