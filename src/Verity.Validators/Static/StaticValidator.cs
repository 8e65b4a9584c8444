using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;

namespace Verity.Validators.Static;

/// <summary>
/// <c>type: static</c>: approves or denies every image, without looking at it.
/// </summary>
/// <remarks>
/// An approval carries the digest the reference already has (if any), so it never causes a patch; a
/// denial's reason names the rule, as Connaisseur's <c>static deny for image … using rule …</c> does.
/// Outcomes are not cached: they cost nothing to recompute.
/// </remarks>
public sealed class StaticValidator : IValidator
{
    private readonly StaticValidatorDefinition _definition;

    /// <summary>Creates the validator.</summary>
    public StaticValidator(StaticValidatorDefinition definition)
    {
        _definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    /// <inheritdoc/>
    public string Name => _definition.Name;

    /// <inheritdoc/>
    public string Type => StaticValidatorType.TypeName;

    /// <inheritdoc/>
    public bool IsCacheable => false;

    /// <inheritdoc/>
    public bool ReadsEvidence => false;

    /// <inheritdoc/>
    public ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ValidationOutcome outcome = _definition.Approve
            ? new ValidationOutcome.Trusted(image.Digest, "static allow")
            : new ValidationOutcome.Denied($"static deny by validator \"{Name}\"");
        return ValueTask.FromResult(outcome);
    }
}
