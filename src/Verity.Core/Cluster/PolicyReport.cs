using System.Collections.Immutable;

namespace Verity.Core.Cluster;

/// <summary>
/// A <c>wgpolicyk8s.io/v1alpha2</c> <c>PolicyReport</c> of one namespace: the latest result per workload and image,
/// as <c>kubectl get polr -A</c> shows them (the schema of the Kubernetes Policy working group, as Kyverno writes it).
/// </summary>
public sealed record PolicyReport
{
    /// <summary>The namespace reported on.</summary>
    public required string Namespace { get; init; }

    /// <summary>The report's name (one per namespace).</summary>
    public string Name { get; init; } = "verity";

    /// <summary>The results, newest last.</summary>
    public required ImmutableArray<PolicyReportResult> Results { get; init; }
}
