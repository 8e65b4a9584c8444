using BitFaster.Caching.Lru;
using Verity.Caching;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;
using Verity.Logging;
using Verity.Metrics;

namespace Verity.Admission;

/// <summary>
/// Decides about one image: parse, pick the most specific rule, run its validator, check the result.
/// </summary>
/// <remarks>
/// Shared by the webhook and the <c>verify</c>/<c>review</c> commands. "Could not get the evidence"
/// (an exception from a validator) is caught here, logged with detail and turned into a denial with a
/// short message: this fails closed, and no stack trace reaches the user.
/// </remarks>
internal sealed class ImageVerifier
{
    /// <summary>The skip reason of automatic unchanged approval (Connaisseur's wording).</summary>
    public const string UnchangedImage = "unchanged image reference";

    /// <summary>The skip reason of automatic child approval (Connaisseur's wording).</summary>
    public const string ChildOfApprovedOwner = "automatic approval of child image reference";

    /// <summary>The most image strings whose parsed reference and rule are remembered (as many as the verdict cache holds).</summary>
    private const int ResolvedCapacity = VerdictCache.Capacity;

    /// <summary>The longest image string that is remembered; longer ones are parsed every time (no reference is that long).</summary>
    private const int MaxRememberedLength = 512;

    private readonly ILogger<ImageVerifier> _logger;

    // Parsing a reference (the distribution grammar's regular expression) and matching the policy's globs were most of a
    // cached review's own CPU; both are functions of the image string and the configuration, so they are remembered
    // per string, with the configuration's generation: an entry of an older configuration is resolved again.
    private readonly ConcurrentLru<string, Resolved> _resolved = new(ResolvedCapacity);
    private readonly VerdictCache _cache;
    private readonly VerificationFlights _flights;
    private readonly VerityMetrics _metrics;

    public ImageVerifier(ILogger<ImageVerifier> logger, VerdictCache cache, VerificationFlights flights, VerityMetrics metrics)
    {
        _metrics = metrics;
        _logger = logger;
        _cache = cache;
        _flights = flights;
    }

    /// <param name="image">The image exactly as written.</param>
    /// <param name="snapshot">The configuration of this request.</param>
    /// <param name="skip">Why validation may be skipped (<see cref="UnchangedImage"/>, <see cref="ChildOfApprovedOwner"/>), or
    /// null. Validators that read no evidence (static) are evaluated anyway.</param>
    /// <param name="cancellationToken">The request's deadline.</param>
    public async Task<ImageVerdict> VerifyAsync(string image, PolicySnapshot snapshot, string? skip, CancellationToken cancellationToken)
    {
        if (!_resolved.TryGet(image, out var resolved) || resolved.Generation != snapshot.Generation)
        {
            if (!ImageReference.TryParse(image, out var parsed, out var parseError))
            {
                return new ImageVerdict { Image = image, Allowed = false, Reason = parseError };
            }

            resolved = new Resolved(snapshot.Generation, parsed, snapshot.Policy.FindRule(parsed));
            if (image.Length <= MaxRememberedLength)
            {
                _resolved.AddOrUpdate(image, resolved);
            }
        }

        var (reference, rule) = (resolved.Reference, resolved.Rule);
        if (rule is null)
        {
            return new ImageVerdict
            {
                Image = image,
                Reference = reference,
                Allowed = false,
                Reason = $"no matching rule: no policy pattern matches {reference.Canonical}",
            };
        }

        var validator = snapshot.FindValidator(rule.Validator);
        if (validator is null)
        {
            return new ImageVerdict
            {
                Image = image,
                Reference = reference,
                Rule = rule,
                Validator = rule.Validator,
                Allowed = false,
                Reason = $"validator \"{rule.Validator}\" not found",
            };
        }

        var verdict = new ImageVerdict
        {
            Image = image,
            Reference = reference,
            Rule = rule,
            Validator = validator.Name,
            ValidatorType = validator.Type,
            Allowed = false,
        };

        // Validators that read no evidence (static) are never skipped: they cost nothing and a deny must stay a deny.
        if (skip is not null && validator.ReadsEvidence)
        {
            return verdict with { Allowed = true, Digest = reference.Digest, Skipped = skip };
        }

        var features = snapshot.Features;
        var lifetime = validator.IsCacheable ? TimeSpan.FromSeconds(Math.Max(0, features.CacheExpirySeconds)) : TimeSpan.Zero;
        var key = new VerdictKey(snapshot.Generation, rule.Index, validator.Name, image, snapshot.Configuration.ContentHash);
        var validationStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        ValidationOutcome outcome;
        try
        {
            if (lifetime > TimeSpan.Zero)
            {
                // In memory, else in the shared cache; a shared cache that cannot answer is a miss.
                var cached = await _cache.GetAsync(key, lifetime, cancellationToken);
                _metrics.CacheLookup(cached is not null);
                if (cached is not null)
                {
                    return Conclude(verdict with { FromCache = true }, reference, rule, validator, cached);
                }
            }

            validationStarted = System.Diagnostics.Stopwatch.GetTimestamp();

            // Identical concurrent verifications (same configuration, rule, validator and image) share one flight.
            outcome = validator.IsCacheable
                ? await _flights.RunAsync(key, token => validator.ValidateAsync(reference, rule.Options, token), cancellationToken)
                : await validator.ValidateAsync(reference, rule.Options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return verdict with { Reason = $"{validator.Type} validation did not finish before the deadline", TimedOut = true };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (e is ValidationException)
            {
                // Expected (a server down, a refusal): one line naming the cause; the stack trace only when asked for.
                Log.ValidatorCouldNotValidate(_logger, image, validator.Name, validator.Type, DisplayText.Clean(e.Message));
                Log.ValidatorFailureDetail(_logger, e, image);
            }
            else
            {
                // A defect: the stack trace is what finds it.
                Log.ValidatorFailed(_logger, e, image, validator.Name, validator.Type);
            }

            var reason = e is ValidationException ? e.Message : "an internal error occurred (see Verity's log)";
            return verdict with { Reason = $"error during {validator.Type} validation: {DisplayText.Clean(reason)}" };
        }

        _metrics.ValidatorCalled(validator.Type, validator.Name, System.Diagnostics.Stopwatch.GetElapsedTime(validationStarted));

        // Outcomes are cached, never failures to get the evidence (handled above): those are transient. The outcome is
        // known, so storing it is not bound to the request's deadline (the shared cache bounds its own operations).
        if (outcome is ValidationOutcome.Trusted || features.CacheErrors)
        {
            await _cache.SetAsync(key, outcome, lifetime, CancellationToken.None);
        }

        return Conclude(verdict, reference, rule, validator, outcome);
    }

    private static ImageVerdict Conclude(ImageVerdict verdict, ImageReference reference, PolicyRule rule, IValidator validator, ValidationOutcome outcome)
    {
        switch (outcome)
        {
            case ValidationOutcome.Trusted trusted:
                if (reference.Digest is { } written && trusted.Digest is { } verified && written != verified)
                {
                    return verdict with
                    {
                        Reason = $"the verified digest {verified} differs from the digest {written} in the reference",
                    };
                }

                return verdict with { Allowed = true, Digest = trusted.Digest ?? reference.Digest, Reason = trusted.Detail is null ? null : DisplayText.Clean(trusted.Detail) };
            case ValidationOutcome.Denied denied:
                return verdict with
                {
                    Reason = !validator.ReadsEvidence
                        ? $"{DisplayText.Clean(denied.Reason)} using rule \"{rule.Pattern.Original}\""
                        : DisplayText.Clean(denied.Reason),
                };
            default:
                throw new InvalidOperationException($"unknown outcome {outcome}");
        }
    }

    /// <summary>An image string's parsed reference and the rule that applies to it under configuration <see cref="Generation"/>.</summary>
    private sealed record Resolved(long Generation, ImageReference Reference, PolicyRule? Rule);
}
