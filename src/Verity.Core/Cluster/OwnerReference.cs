namespace Verity.Core.Cluster;

/// <summary>An entry of <c>metadata.ownerReferences</c>: the object that controls another.</summary>
/// <param name="ApiVersion">The owner's API version, e.g. <c>apps/v1</c>.</param>
/// <param name="Kind">The owner's kind, e.g. <c>ReplicaSet</c>.</param>
/// <param name="Name">The owner's name, in the child's namespace.</param>
/// <param name="Uid">The owner's UID as the child records it; the owner read from the cluster must have the same.</param>
public sealed record OwnerReference(string ApiVersion, string Kind, string Name, string Uid);
