using System.Collections.Immutable;

namespace Verity.Core.Configuration;

/// <summary>The <c>features:</c> of the configuration, with Connaisseur's defaults.</summary>
public sealed record FeatureSettings
{
    /// <summary>Every default.</summary>
    public static FeatureSettings Default { get; } = new();

    /// <summary>Turn denials into warnings (admit with <c>warnings</c>).</summary>
    public bool DetectionMode { get; init; }

    /// <summary>Skip validation of a Pod whose image equals one of its (already admitted) owner's images.</summary>
    public bool AutomaticChildApproval { get; init; } = true;

    /// <summary>Skip validation of an image an UPDATE does not change.</summary>
    public bool AutomaticUnchangedApproval { get; init; }

    /// <summary>How namespaces are selected by label.</summary>
    public NamespacedValidationMode NamespacedValidation { get; init; } = NamespacedValidationMode.Off;

    /// <summary>Whether only Pods are validated (<c>podsOnly</c>) or all workloads (<c>all</c>).</summary>
    public ResourceValidationMode ResourceValidationMode { get; init; } = ResourceValidationMode.All;

    /// <summary>How long a verdict is cached, in seconds; 0 or less turns the cache off.</summary>
    public int CacheExpirySeconds { get; init; } = 30;

    /// <summary>Whether denials are cached too.</summary>
    public bool CacheErrors { get; init; } = true;

    /// <summary>Audit or enforce per namespace: the first matching entry overrides <see cref="DetectionMode"/>.</summary>
    public ImmutableArray<DetectionModeOverride> DetectionModeOverrides { get; init; } = [];

    /// <summary>Which decisions are reported as <c>PolicyReport</c> resources.</summary>
    public PolicyReportSettings PolicyReports { get; init; } = PolicyReportSettings.Off;

    /// <summary>The override that applies to <paramref name="namespace"/>, or null when the global mode does.</summary>
    public DetectionModeOverride? FindOverride(string @namespace, IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var entry in DetectionModeOverrides)
        {
            if (entry.Matches(@namespace, labels))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="namespace"/> is audited (denials become warnings) rather than enforced.</summary>
    public bool IsDetectionMode(string @namespace, IReadOnlyDictionary<string, string>? labels) =>
        FindOverride(@namespace, labels)?.DetectionMode ?? DetectionMode;

    /// <summary>Whether any override needs namespace labels.</summary>
    public bool OverridesNeedLabels => DetectionModeOverrides.Any(o => o.NeedsLabels);
}
