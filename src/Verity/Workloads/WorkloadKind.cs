namespace Verity.Workloads;

/// <summary>
/// The kinds Verity validates and where their pod spec lives.
/// </summary>
/// <remarks>
/// Pod (also through the <c>pods/ephemeralcontainers</c> subresource, whose kind is <c>Pod</c>, or
/// <c>EphemeralContainers</c> on Kubernetes before 1.23): <c>/spec</c>. Deployment, ReplicaSet, StatefulSet,
/// DaemonSet, Job, ReplicationController: <c>/spec/template/spec</c>. CronJob:
/// <c>/spec/jobTemplate/spec/template/spec</c>. The API group and version are not checked, so
/// <c>batch/v1beta1</c> CronJobs are read too.
/// </remarks>
internal static class WorkloadKind
{
    private static readonly string[] PodSpec = ["spec"];
    private static readonly string[] TemplateSpec = ["spec", "template", "spec"];
    private static readonly string[] JobTemplateSpec = ["spec", "jobTemplate", "spec", "template", "spec"];

    /// <summary>The JSON property names leading from the object to its pod spec, or null if the kind is not a workload.</summary>
    public static IReadOnlyList<string>? PodSpecPath(string? kind) => kind switch
    {
        "Pod" => PodSpec,
        "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" or "Job" or "ReplicationController" => TemplateSpec,
        "CronJob" => JobTemplateSpec,
        "EphemeralContainers" => [],
        _ => null,
    };

    /// <summary>The container lists of a pod spec, in the order they are reported.</summary>
    public static readonly string[] ContainerTypes = ["containers", "initContainers", "ephemeralContainers"];
}
