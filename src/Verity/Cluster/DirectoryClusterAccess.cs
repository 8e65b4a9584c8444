using System.Collections.Immutable;
using Verity.Core.Cluster;

namespace Verity.Cluster;

/// <summary>
/// <see cref="IClusterAccess"/> for local use: secret <c>&lt;name&gt;</c> of namespace <c>&lt;ns&gt;</c> is the folder
/// <c>&lt;root&gt;/&lt;ns&gt;/&lt;name&gt;/</c>, one file per key (<c>verity serve --secrets-dir</c>).
/// </summary>
/// <remarks>
/// Names are checked to be Kubernetes object names, so that no name leaves the root; entries starting with
/// <c>..</c> (Kubernetes' projection links) are skipped; each file is read up to 1 MiB, Kubernetes' own limit.
/// </remarks>
internal sealed class DirectoryClusterAccess(string root) : IClusterAccess
{
    private const long MaxFileBytes = 1024 * 1024;

    public async ValueTask<IReadOnlyDictionary<string, byte[]>?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (!IsName(@namespace) || !IsName(name))
        {
            throw new ClusterAccessException($"\"{@namespace}/{name}\" is not a valid namespace and secret name");
        }

        var folder = Path.Combine(root, @namespace, name);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var data = ImmutableDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var key = Path.GetFileName(file);
            if (key.StartsWith("..", StringComparison.Ordinal))
            {
                continue;
            }

            if (new FileInfo(file).Length > MaxFileBytes)
            {
                throw new ClusterAccessException($"file \"{key}\" of secret \"{name}\" is larger than 1 MiB");
            }

            data[key] = await File.ReadAllBytesAsync(file, cancellationToken);
        }

        return data.ToImmutable();
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
        if (!IsName(report.Namespace) || !IsName(report.Name))
        {
            throw new ClusterAccessException($"\"{report.Namespace}/{report.Name}\" is not a valid namespace and report name");
        }

        var folder = Directory.CreateDirectory(Path.Combine(root, report.Namespace));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, $"policyreport-{report.Name}.json"), PolicyReportJson.ToJson(report).ToJsonString(), cancellationToken);
    }

    // RFC 1123 subdomain names, as Kubernetes requires for namespaces and secrets.
    private static bool IsName(string value) =>
        value.Length is > 0 and <= 253
        && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
        && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]);
}
