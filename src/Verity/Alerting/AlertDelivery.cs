namespace Verity.Alerting;

/// <summary>One rendered alert for one receiver: what is POSTed, and to whom.</summary>
/// <remarks>The URL and header values may hold secrets: <see cref="ToString"/> names the receiver only.</remarks>
internal sealed class AlertDelivery
{
    public required string ReceiverName { get; init; }

    public required AlertStream Stream { get; init; }

    public required Uri Url { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    public required byte[] Body { get; init; }

    public override string ToString() => $"{Stream.ToString().ToLowerInvariant()} alert for receiver {ReceiverName}";
}
