using Verity.Core.Images;
using Verity.Core.Policy;

namespace Verity.Core.Validation;

/// <summary>
/// Verifies an image against a validator's trust roots.
/// </summary>
/// <remarks>
/// Implementations are built once per configuration snapshot by the factory for their <c>type</c>, do no
/// I/O in constructors and are safe for concurrent use.
/// </remarks>
public interface IValidator
{
    /// <summary>The validator's configured name.</summary>
    string Name { get; }

    /// <summary>The validator's type, e.g. <c>static</c> or <c>notaryv1</c>.</summary>
    string Type { get; }

    /// <summary>
    /// Whether an outcome of this validator may be cached and reused for the same image reference.
    /// </summary>
    bool IsCacheable { get; }

    /// <summary>
    /// Whether the outcome depends on evidence about the image (signatures, trust data). A validator that decides
    /// on configuration alone (<c>static</c>) is evaluated even for unchanged images, since it costs nothing and a
    /// deny must stay a deny, and its denials name the rule that chose it.
    /// </summary>
    bool ReadsEvidence => true;

    /// <summary>
    /// Validates <paramref name="image"/> under the options of the rule that matched it.
    /// </summary>
    /// <returns>Trusted with the verified digest, or denied with a reason.</returns>
    /// <exception cref="OperationCanceledException">The deadline passed.</exception>
    /// <remarks>Any other exception means the evidence could not be obtained; the caller denies.</remarks>
    ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken);
}
