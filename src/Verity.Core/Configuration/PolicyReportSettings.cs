namespace Verity.Core.Configuration;

/// <summary><c>features.policyReports</c>: which decisions are written as <c>PolicyReport</c> resources.</summary>
public sealed record PolicyReportSettings
{
    /// <summary>Reports off.</summary>
    public static PolicyReportSettings Off { get; } = new();

    /// <summary>Whether reports are written at all.</summary>
    public bool Enabled { get; init; }

    /// <summary>Whether enforced decisions are reported too, not only audited ones (detection mode).</summary>
    public bool IncludeEnforced { get; init; }

    /// <summary>How many results one namespace's report keeps (the newest).</summary>
    public int MaxResultsPerNamespace { get; init; } = 1000;
}
