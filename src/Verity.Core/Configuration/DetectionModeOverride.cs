using System.Collections.Immutable;
using Verity.Core.Policy;

namespace Verity.Core.Configuration;

/// <summary>
/// One entry of <c>features.detectionModeOverrides</c>: audit or enforce for the namespaces it matches, whatever
/// the global <c>detectionMode</c> says (Kyverno's <c>validationFailureActionOverrides</c>). The first match wins.
/// </summary>
public sealed record DetectionModeOverride
{
    /// <summary>Whether denials become warnings (audit) in the matched namespaces.</summary>
    public required bool DetectionMode { get; init; }

    /// <summary>Namespace names or globs (<c>team-*</c>); empty when only the selector decides.</summary>
    public ImmutableArray<Glob> Namespaces { get; init; } = [];

    /// <summary>Labels a namespace must all carry (<c>namespaceSelector.matchLabels</c>); empty when only names decide.</summary>
    public ImmutableDictionary<string, string> MatchLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The configuration path of this entry, for messages.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>Whether this entry needs the namespace's labels to decide.</summary>
    public bool NeedsLabels => !MatchLabels.IsEmpty;

    /// <summary>Whether the namespace matches: by name (when names are given) and by labels (when labels are given).</summary>
    public bool Matches(string @namespace, IReadOnlyDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        if (!Namespaces.IsEmpty && !Namespaces.Any(g => g.IsMatch(@namespace)))
        {
            return false;
        }

        return MatchLabels.IsEmpty
            || (labels is not null && MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value));
    }
}
