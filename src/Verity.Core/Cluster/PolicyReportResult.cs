namespace Verity.Core.Cluster;

/// <summary>One result of a <see cref="PolicyReport"/>: one image of one workload, decided once.</summary>
public sealed record PolicyReportResult
{
    /// <summary>The policy rule's pattern that chose the validator, or <c>none</c>.</summary>
    public required string Rule { get; init; }

    /// <summary><c>pass</c>, <c>fail</c>, <c>warn</c> (denied in audit/detection mode), <c>skip</c>.</summary>
    public required string Result { get; init; }

    /// <summary>Why, one line.</summary>
    public required string Message { get; init; }

    /// <summary>The workload's kind.</summary>
    public required string Kind { get; init; }

    /// <summary>The workload's name.</summary>
    public required string Name { get; init; }

    /// <summary>The image exactly as written.</summary>
    public required string Image { get; init; }

    /// <summary>The validator that decided, if any.</summary>
    public string? Validator { get; init; }

    /// <summary>When it was decided.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
