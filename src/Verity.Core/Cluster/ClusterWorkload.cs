namespace Verity.Core.Cluster;

/// <summary>A workload as the cluster holds it: its UID and every image string of its Pod template or Pod spec.</summary>
/// <param name="Uid">The object's <c>metadata.uid</c>.</param>
/// <param name="Images">The images of containers, init and ephemeral containers, exactly as written.</param>
public sealed record ClusterWorkload(string Uid, IReadOnlySet<string> Images);
