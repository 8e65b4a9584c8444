using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Hosting;

/// <summary>
/// Stands in for a configured validator while synthetic AdmissionReviews warm the admission path up: trusts every image
/// with a fixed digest (so the JSON Patch is written too), reads nothing and is never cached.
/// </summary>
internal sealed class WarmUpValidator(string name, string type) : IValidator
{
    private static readonly Digest WarmUpDigest = Digest.Parse("sha256:" + new string('0', 64));

    public string Name => name;

    public string Type => type;

    public bool IsCacheable => false;

    public ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ValidationOutcome>(new ValidationOutcome.Trusted(WarmUpDigest, "warm-up"));
}
