namespace Verity.Admission;

/// <summary>Limits of the admission endpoint.</summary>
internal sealed record AdmissionOptions
{
    /// <summary>
    /// The longest an admission request may take. Kubernetes gives a webhook at most 30 s; answering a
    /// little earlier means the user sees Verity's denial rather than the API server's timeout.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(28);

    /// <summary>The largest request body accepted (an object and its old version, well above etcd's 1.5 MiB limit each).</summary>
    public long MaxRequestBytes { get; init; } = 8 * 1024 * 1024;
}
