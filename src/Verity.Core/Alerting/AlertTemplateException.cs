namespace Verity.Core.Alerting;

/// <summary>An alert payload template cannot be used, or did not render to a JSON object.</summary>
public sealed class AlertTemplateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AlertTemplateException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public AlertTemplateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AlertTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
