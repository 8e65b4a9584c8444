namespace Verity.Core.Validation;

/// <summary>
/// A validator that can prepare for its first request before the server reports ready: open connections to the
/// servers it reads evidence from, load what its code path needs.
/// </summary>
/// <remarks>
/// Called once per configuration snapshot at start-up (<c>verity serve</c>), concurrently for all validators and under a
/// deadline. A warm-up only makes the first request faster: it must not change any verdict, must not throw for an
/// unreachable or failing server (readiness never waits on another server's health), and must honour the token.
/// </remarks>
public interface IValidatorWarmUp
{
    /// <summary>Prepares the validator; returns what was done, for the log (e.g. <c>connected to Notary server notary.example:443</c>).</summary>
    /// <param name="cancellationToken">The warm-up deadline.</param>
    /// <returns>A short description of what was done or why it failed.</returns>
    ValueTask<string> WarmUpAsync(CancellationToken cancellationToken);
}
