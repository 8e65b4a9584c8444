using System.Globalization;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// The time window in which a piece of trusted material may vouch for something (<c>validFor</c> in the
/// Sigstore trusted root, <c>dev.sigstore.common.v1.TimeRange</c>); open ends are unbounded.
/// </summary>
/// <param name="Start">The first instant, or null for "always".</param>
/// <param name="End">The last instant, or null for "still valid".</param>
internal readonly record struct ValidityPeriod(DateTimeOffset? Start, DateTimeOffset? End)
{
    /// <summary>A period without bounds (material configured as a bare PEM).</summary>
    public static ValidityPeriod Unbounded => default;

    /// <summary>Whether <paramref name="instant"/> lies in the period, both ends included.</summary>
    public bool Contains(DateTimeOffset instant) => (Start is null || instant >= Start) && (End is null || instant <= End);

    /// <inheritdoc/>
    public override string ToString() => $"{Format(Start, "the beginning")} to {Format(End, "now")}";

    private static string Format(DateTimeOffset? t, string open) => t?.ToString("u", CultureInfo.InvariantCulture) ?? open;
}
