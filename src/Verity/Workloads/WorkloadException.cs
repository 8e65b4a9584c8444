namespace Verity.Workloads;

/// <summary>A workload object cannot be read; the message is shown to the user.</summary>
internal sealed class WorkloadException : Exception
{
    public WorkloadException(string message)
        : base(message)
    {
    }

    public WorkloadException()
    {
    }

    public WorkloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
