namespace Verity.Alerting;

/// <summary>One admission decision, as alerts describe it.</summary>
internal sealed record AlertEvent
{
    public required AlertResult Result { get; init; }

    /// <summary>The AdmissionReview uid.</summary>
    public required string RequestId { get; init; }

    public string Namespace { get; init; } = string.Empty;

    /// <summary>Patched images (admit) or denied images (reject), in container order, repeated per container.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>The denial reason (reject stream).</summary>
    public string? Error { get; init; }

    public AlertStream Stream => Result is AlertResult.Success or AlertResult.Skip ? AlertStream.Admit : AlertStream.Reject;

    /// <summary>Connaisseur's <c>alert_message</c> for this result.</summary>
    public string AlertMessage => Result switch
    {
        AlertResult.Success or AlertResult.Skip => "CONNAISSEUR admitted a request",
        AlertResult.Error => $"CONNAISSEUR rejected a request: {Error}",
        AlertResult.Timeout => $"CONNAISSEUR validation timed out for admission request {RequestId}",
        _ => $"CONNAISSEUR failed to parse admission request {RequestId}",
    };

    /// <summary>Connaisseur's <c>result</c> value.</summary>
    public string ResultName => Result.ToString().ToLowerInvariant();
}
