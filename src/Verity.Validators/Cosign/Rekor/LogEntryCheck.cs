namespace Verity.Validators.Cosign.Rekor;

/// <summary>The outcome of checking one transparency log entry against a signature.</summary>
/// <param name="Verified">Whether the entry is proven (promise and/or proof) to log exactly this signature.</param>
/// <param name="IntegratedTime">The integration time, only when a verified inclusion promise signs it (an
/// inclusion proof alone does not vouch for the time).</param>
/// <param name="Description">What was checked, or why the entry does not count.</param>
internal sealed record LogEntryCheck(bool Verified, DateTimeOffset? IntegratedTime, string Description)
{
    /// <summary>A failed check.</summary>
    public static LogEntryCheck Failed(TransparencyLogEntry entry, string reason) => new(false, null, $"{entry}: {reason}");
}
