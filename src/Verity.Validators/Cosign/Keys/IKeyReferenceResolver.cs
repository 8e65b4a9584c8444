using Verity.Core.Trust;
using Verity.Core.Validation;

namespace Verity.Validators.Cosign.Keys;

/// <summary>Turns a cosign key reference (<see cref="KeyReferenceTrustRoot"/>, e.g. <c>k8s://namespace/secret</c>) into its public key.</summary>
/// <remarks>
/// Called by the cosign validator for the key references a rule selects, before any signature is checked.
/// Implementations may cache; they must be safe for concurrent use.
/// </remarks>
public interface IKeyReferenceResolver
{
    /// <summary>The public key <paramref name="reference"/> names.</summary>
    /// <param name="reference">The reference as configured, e.g. <c>k8s://verity/cosign-key</c>.</param>
    /// <param name="cancellationToken">The admission deadline.</param>
    /// <exception cref="ValidationException">The key could not be read (no such secret, no <c>cosign.pub</c>, not a
    /// public key, API server unreachable or refusing); the message names the reference and is safe to show.</exception>
    ValueTask<VerificationKey> ResolveAsync(Uri reference, CancellationToken cancellationToken);
}
