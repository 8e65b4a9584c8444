using System.Collections.Immutable;

namespace Verity.Validators.Notation.Verification;

/// <summary>What one signature proved, at one verification level.</summary>
public sealed record NotationVerdict
{
    /// <summary>Why the signature fails integrity (enforced at every level but skip), or null when it holds.</summary>
    public string? IntegrityFailure { get; init; }

    /// <summary>
    /// Every evaluated trust root, by name: null when the signature satisfies it at this level, else the reason the
    /// signature does not count for it.
    /// </summary>
    public ImmutableDictionary<string, string?> Roots { get; init; } = ImmutableDictionary<string, string?>.Empty;

    /// <summary>Failures this level only logs, and what was not checked (revocation).</summary>
    public ImmutableArray<string> Logged { get; init; } = [];

    /// <summary>The leaf certificate's subject, for logs.</summary>
    public string? Signer { get; init; }

    /// <summary>The leaf certificate's SHA-256 thumbprint: which signer this is when thresholds count signers.</summary>
    public string? SignerThumbprint { get; init; }

    /// <summary>The trust roots the signature satisfies.</summary>
    public IEnumerable<string> SatisfiedRoots => IntegrityFailure is null ? Roots.Where(r => r.Value is null).Select(r => r.Key) : [];
}
