using Verity.Core.Images;

namespace Verity.Core.Validation;

/// <summary>
/// What a validator concluded about one image: <see cref="Trusted"/> or <see cref="Denied"/>.
/// </summary>
/// <remarks>
/// An expected "no" (unsigned, wrong key, threshold not met, expired) is a <see cref="Denied"/> value
/// with a reason for the user, never an exception. Exceptions mean the evidence could not be obtained.
/// </remarks>
public abstract record ValidationOutcome
{
    private ValidationOutcome()
    {
    }

    /// <summary>The image is trusted; <see cref="Digest"/> is the verified digest, if the validator has one.</summary>
    /// <param name="Digest">The digest that was verified and that the workload should be pinned to, or null
    /// when the validator approves without looking at content (static).</param>
    /// <param name="Detail">A short note for logs, e.g. which trust roots signed.</param>
    public sealed record Trusted(Digest? Digest, string? Detail = null) : ValidationOutcome;

    /// <summary>The image is not trusted, for the given reason.</summary>
    /// <param name="Reason">A sentence for the user, e.g. <c>no signature by trust root "alice"</c>.</param>
    public sealed record Denied(string Reason) : ValidationOutcome;
}
