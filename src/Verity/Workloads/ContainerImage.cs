namespace Verity.Workloads;

/// <summary>One image reference in a workload, where it stands and as what kind of container.</summary>
/// <param name="Image">The image string exactly as written in the spec.</param>
/// <param name="Path">The JSON pointer of the <c>image</c> field, e.g. <c>/spec/template/spec/containers/0/image</c>.</param>
/// <param name="ContainerType"><c>containers</c>, <c>initContainers</c> or <c>ephemeralContainers</c>.</param>
/// <param name="ContainerName">The container's name, if it has one.</param>
internal sealed record ContainerImage(string Image, string Path, string ContainerType, string? ContainerName);
