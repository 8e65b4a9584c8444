namespace Verity.Alerting;

/// <summary>Which receivers an alert goes to.</summary>
internal enum AlertStream
{
    /// <summary><c>alerting.admitRequest</c>.</summary>
    Admit,

    /// <summary><c>alerting.rejectRequest</c>.</summary>
    Reject,
}
