namespace Verity.Alerting;

/// <summary>How one alert's delivery ended.</summary>
/// <param name="Delivered">A receiver answered 2xx.</param>
/// <param name="Reason">Why not, without the URL: <c>the receiver answered HTTP 500</c>, <c>timed out</c>, ….</param>
/// <param name="DeadlineExpired">The request's deadline ended the delivery (failIfAlertSendingFails receivers).</param>
/// <param name="Attempts">Attempts made.</param>
internal sealed record AlertOutcome(bool Delivered, string? Reason, bool DeadlineExpired, int Attempts);
