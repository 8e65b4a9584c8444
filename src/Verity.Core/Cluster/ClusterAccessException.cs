namespace Verity.Core.Cluster;

/// <summary>A read from or write to the cluster failed; the message is one line and names the object, never its content.</summary>
public sealed class ClusterAccessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterAccessException(string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public ClusterAccessException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterAccessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The API server's HTTP status, when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>Whether the API server refused for lack of permission (401 or 403).</summary>
    public bool IsForbidden => StatusCode is 401 or 403;

    /// <summary>Whether there is no API client at all (no in-cluster configuration or kubeconfig).</summary>
    public bool NoClient { get; init; }
}
