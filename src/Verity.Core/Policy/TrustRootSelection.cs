using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Verity.Core.Trust;

namespace Verity.Core.Policy;

/// <summary>
/// Which of a validator's trust roots a rule evaluates and what it requires of them: the one place that resolves
/// <c>trustRoot</c> names, <c>"*"</c>, <c>threshold</c> and <c>required</c> (Connaisseur reference §5.3), for every
/// validator type.
/// </summary>
/// <remarks>
/// <para>Selection (<see cref="TrySelect"/>):</para>
/// <list type="bullet">
/// <item><c>trustRoot: "*"</c> with no <c>required</c>, or a <c>threshold</c> above the number of required
/// roots: all trust roots are evaluated. Otherwise with <c>"*"</c>: only the required roots.</item>
/// <item>A named trust root (or <c>default</c> when none is named): that root plus any required roots.</item>
/// </list>
/// <para>Decision (<see cref="FindShortfall(IReadOnlySet{string}, Func{string?, string})"/>), in this order:</para>
/// <list type="number">
/// <item>a named root must have signed: <c>no signature by trust root "alice"</c>;</item>
/// <item>with <c>"*"</c>, the number of distinct signers must reach the threshold: the configured
/// <c>threshold</c>, or every distinct signer among the evaluated roots when neither <c>threshold</c> nor
/// <c>required</c> is set: <c>validation threshold not reached (1/2)</c>;</item>
/// <item>every required root must have signed: <c>1 of 3 required signatures found (missing: bob, charlie)</c>.</item>
/// </list>
/// Signers are counted by <see cref="TrustRoot.SignerId"/>, not by name: the same key configured as "alice" and as
/// "bob" is one signer. Example: roots alice, bob (same key as alice), charlie; <c>trustRoot: "*"</c>,
/// <c>threshold: 2</c>; the alice/bob key signed: 1 signer, so <c>validation threshold not reached (1/2)</c>
/// (Connaisseur would count 2).
/// </remarks>
public sealed record TrustRootSelection
{
    /// <summary>The trust roots to check signatures against, in configuration order.</summary>
    public required ImmutableArray<TrustRoot> TrustRoots { get; init; }

    /// <summary>How many distinct signers must have signed, or null for no count.</summary>
    public int? Threshold { get; init; }

    /// <summary>Trust roots that must each have signed.</summary>
    public ImmutableArray<string> Required { get; init; } = [];

    /// <summary>The one trust root a rule names (not <c>*</c>); it must have signed.</summary>
    public string? NamedRoot { get; init; }

    /// <summary>The name <c>with.trustRoot</c> uses for "all trust roots".</summary>
    public const string AllTrustRoots = "*";

    /// <summary>The trust root used when a rule names none.</summary>
    public const string DefaultTrustRoot = "default";

    /// <summary>Works out which trust roots a rule evaluates and what it requires of them.</summary>
    /// <param name="trustRoots">The validator's trust roots.</param>
    /// <param name="options">The rule's options.</param>
    /// <param name="selection">The selection.</param>
    /// <param name="error">A reason when the rule names roots the validator does not have.</param>
    public static bool TrySelect(
        ImmutableArray<TrustRoot> trustRoots,
        TrustRootRuleOptions options,
        [NotNullWhen(true)] out TrustRootSelection? selection,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        selection = null;
        var required = options.Required.IsDefault ? [] : options.Required.Distinct(StringComparer.Ordinal).ToImmutableArray();
        foreach (var requiredName in required)
        {
            if (Find(trustRoots, requiredName) is null)
            {
                error = $"required trust root \"{requiredName}\" is not defined for this validator";
                return false;
            }
        }

        int threshold = options.Threshold ?? 0;
        if (threshold < 0)
        {
            error = $"the threshold {threshold} is negative";
            return false;
        }

        if (options.TrustRoot == AllTrustRoots)
        {
            if (trustRoots.IsDefaultOrEmpty)
            {
                error = "the validator has no trust roots";
                return false;
            }

            if (required.IsEmpty)
            {
                var signers = trustRoots.Select(r => r.SignerId).Distinct(StringComparer.Ordinal).Count();
                selection = new TrustRootSelection { TrustRoots = trustRoots, Threshold = threshold > 0 ? threshold : signers };
            }
            else if (threshold > required.Length)
            {
                selection = new TrustRootSelection { TrustRoots = trustRoots, Threshold = threshold, Required = required };
            }
            else
            {
                selection = new TrustRootSelection
                {
                    TrustRoots = [.. trustRoots.Where(r => required.Contains(r.Name))],
                    Threshold = threshold > 0 ? threshold : null,
                    Required = required,
                };
            }

            error = null;
            return true;
        }

        var name = options.TrustRoot ?? DefaultTrustRoot;
        if (Find(trustRoots, name) is null)
        {
            error = $"trust root \"{name}\" is not defined for this validator";
            return false;
        }

        selection = new TrustRootSelection
        {
            TrustRoots = [.. trustRoots.Where(r => r.Name == name || required.Contains(r.Name)).DistinctBy(r => r.Name)],
            Required = required,
            NamedRoot = name,
        };
        error = null;
        return true;
    }

    /// <summary>The evaluated roots, in configuration order, whose names are in <paramref name="signedAny"/>.</summary>
    public ImmutableArray<string> SignedRoots(IReadOnlySet<string> signedAny)
    {
        ArgumentNullException.ThrowIfNull(signedAny);
        return [.. TrustRoots.Select(r => r.Name).Where(signedAny.Contains)];
    }

    /// <summary>How many distinct signers (<see cref="TrustRoot.SignerId"/>) among the evaluated roots signed.</summary>
    public int CountSigners(IReadOnlySet<string> signedAny)
    {
        ArgumentNullException.ThrowIfNull(signedAny);
        return TrustRoots.Where(r => signedAny.Contains(r.Name)).Select(r => r.SignerId).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>
    /// How many distinct signers among the evaluated roots signed when each signature may count for one signer only:
    /// <paramref name="signedBy"/> maps each root that signed to the signatures (their signing certificates or keys)
    /// that satisfied it, and the count is the largest assignment of distinct signatures to distinct
    /// <see cref="TrustRoot.SignerId"/>s.
    /// </summary>
    /// <remarks>
    /// Certificate trust roots can overlap: a root CA and its intermediate configured as two roots both hold a chain
    /// through the intermediate, so one signature satisfies both. Example: roots acme (root CA) and acme-ops (its
    /// intermediate), <c>threshold: 2</c>, one signature by a leaf under acme-ops: 1 signer, not 2.
    /// </remarks>
    public int CountSigners(IReadOnlyDictionary<string, IReadOnlySet<string>> signedBy)
    {
        ArgumentNullException.ThrowIfNull(signedBy);
        var groups = TrustRoots
            .Where(r => signedBy.ContainsKey(r.Name))
            .GroupBy(r => r.SignerId, StringComparer.Ordinal)
            .Select(g => g.SelectMany(r => signedBy[r.Name]).Distinct(StringComparer.Ordinal).ToList())
            .ToList();

        // Maximum bipartite matching (augmenting paths): signer groups on one side, signatures on the other.
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            if (TryAssign(g, new HashSet<string>(StringComparer.Ordinal)))
            {
                count++;
            }
        }

        return count;

        bool TryAssign(int group, HashSet<string> seen)
        {
            foreach (var signature in groups[group])
            {
                if (seen.Add(signature) && (!owner.TryGetValue(signature, out var other) || TryAssign(other, seen)))
                {
                    owner[signature] = group;
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Why the roots that signed do not satisfy the rule, or null when they do; as
    /// <see cref="FindShortfall(IReadOnlySet{string}, Func{string?, string})"/>, but counting signers with
    /// <see cref="CountSigners(IReadOnlyDictionary{string, IReadOnlySet{string}})"/> (one signature, one signer).
    /// </summary>
    /// <param name="signedBy">The trust roots with at least one valid signature, each with the ids of those signatures.</param>
    /// <param name="detail">A suffix explaining why a root has no signature (its name), or why none has (null).</param>
    public string? FindShortfall(IReadOnlyDictionary<string, IReadOnlySet<string>> signedBy, Func<string?, string> detail)
    {
        ArgumentNullException.ThrowIfNull(signedBy);
        return FindShortfall(signedBy.Keys.ToHashSet(StringComparer.Ordinal), detail, () => CountSigners(signedBy));
    }

    /// <summary>
    /// Why the roots that signed do not satisfy the rule, or null when they do.
    /// </summary>
    /// <param name="signedAny">The names of the trust roots with at least one valid signature.</param>
    /// <param name="detail">A suffix explaining why a root has no signature (its name), or why none has (null).</param>
    public string? FindShortfall(IReadOnlySet<string> signedAny, Func<string?, string> detail)
    {
        ArgumentNullException.ThrowIfNull(signedAny);
        return FindShortfall(signedAny, detail, () => CountSigners(signedAny));
    }

    private string? FindShortfall(IReadOnlySet<string> signedAny, Func<string?, string> detail, Func<int> countSigners)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var signed = SignedRoots(signedAny);
        if (NamedRoot is { } single && !signed.Contains(single))
        {
            return $"no signature by trust root \"{single}\"{detail(single)}";
        }

        if (Threshold is { } threshold)
        {
            int signers = countSigners();
            if (signers < threshold)
            {
                return $"validation threshold not reached ({signers}/{threshold}){(signers == 0 ? detail(null) : string.Empty)}";
            }
        }

        if (!Required.IsEmpty)
        {
            var missing = Required.Where(r => !signed.Contains(r)).ToList();
            if (missing.Count > 0)
            {
                return $"{Required.Length - missing.Count} of {Required.Length} required signatures found (missing: {string.Join(", ", missing)})";
            }
        }

        return null;
    }

    private static TrustRoot? Find(ImmutableArray<TrustRoot> trustRoots, string name)
    {
        return trustRoots.IsDefault ? null : trustRoots.FirstOrDefault(r => r.Name == name);
    }
}
