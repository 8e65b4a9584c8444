using System.Security.Cryptography;
using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Signatures;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Verification;

/// <summary>
/// The entry point of cosign verification for the validator: all signatures of one image, already fetched,
/// against the trust roots a rule selects.
/// </summary>
/// <remarks>
/// <para>No I/O: the registry side resolves the image to its manifest digest, fetches the
/// <c>sha256-&lt;hex&gt;.sig</c> manifest's layers and payload blobs and the Sigstore bundle referrers, checks every
/// blob against its descriptor digest and the byte limits of <see cref="CosignLimits"/>, and passes them in a
/// <see cref="CosignEvidence"/>. Key references (<see cref="KeyReferenceTrustRoot"/>) must be resolved to
/// <see cref="PublicKeyTrustRoot"/>s with the same name before the call.</para>
/// <para>Each signature is read once (<see cref="CosignLayerReader"/>, <see cref="SigstoreBundleReader"/>) and
/// then checked against each trust root (<see cref="CosignVerifier"/>). An image with more than
/// <see cref="CosignLimits.MaxSignatures"/> signatures is refused as a whole. The result feeds
/// <see cref="Policy.CosignPolicy.Evaluate"/>.</para>
/// </remarks>
internal sealed class CosignImageVerifier
{
    private readonly CosignVerifier _verifier;
    private readonly CosignLimits _limits;

    /// <summary>Creates the verifier for one validator's trusted material.</summary>
    public CosignImageVerifier(TrustedMaterial material, TimeProvider timeProvider, CosignLimits? limits = null)
    {
        _verifier = new CosignVerifier(material, timeProvider);
        _limits = limits ?? CosignLimits.Default;
    }

    /// <summary>The limits applied.</summary>
    public CosignLimits Limits => _limits;

    /// <summary>Checks every signature in <paramref name="evidence"/> against every root in <paramref name="trustRoots"/>.</summary>
    /// <param name="image">The image's manifest digest (resolved and checked by the registry side).</param>
    /// <param name="evidence">The signatures.</param>
    /// <param name="trustRoots">The trust roots to evaluate (see <see cref="Core.Policy.TrustRootSelection.TrustRoots"/>).</param>
    /// <param name="options">The rule's options.</param>
    public CosignImageReport Verify(Digest image, CosignEvidence evidence, IReadOnlyList<TrustRoot> trustRoots, CosignVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(trustRoots);
        ArgumentNullException.ThrowIfNull(options);
        if (image.IsEmpty)
        {
            throw new ArgumentException("the image digest is required", nameof(image));
        }

        if (evidence.Count > _limits.MaxSignatures)
        {
            return new CosignImageReport
            {
                Image = image,
                SignatureCount = evidence.Count,
                Refusal = $"the image has {evidence.Count} signatures, more than the limit of {_limits.MaxSignatures}",
            };
        }

        var verdicts = ImmutableArray.CreateBuilder<SignatureVerdict>();
        foreach (var (entity, source, error) in ReadAll(evidence))
        {
            foreach (var root in trustRoots)
            {
                verdicts.Add(entity is null
                    ? new RejectedSignature(root.Name, source, $"the signature cannot be read: {error}")
                    : VerifyOne(entity, root, image, options));
            }
        }

        return new CosignImageReport { Image = image, SignatureCount = evidence.Count, Verdicts = verdicts.ToImmutable() };
    }

    /// <summary>One signature against one root: a signature whose content makes a check fail unexpectedly is rejected
    /// with the reason, and the next one is still tried (one bad signature never turns the image into an internal error).</summary>
    private SignatureVerdict VerifyOne(SignedEntity entity, TrustRoot root, Digest image, CosignVerificationOptions options)
    {
        try
        {
            return _verifier.Verify(entity, root, image, options);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException or OverflowException or InvalidOperationException)
        {
            return new RejectedSignature(root.Name, entity.Source, $"the signature cannot be checked: {e.Message}");
        }
    }

    private IEnumerable<(SignedEntity? Entity, string Source, string? Error)> ReadAll(CosignEvidence evidence)
    {
        for (int i = 0; i < evidence.Layers.Length; i++)
        {
            var source = $"signature layer {i + 1}";
            yield return CosignLayerReader.TryRead(evidence.Layers[i], source, _limits, out var entity, out var error)
                ? (entity, source, null)
                : (null, source, error);
        }

        for (int i = 0; i < evidence.Attestations.Length; i++)
        {
            var source = $"attestation layer {i + 1}";
            yield return CosignLayerReader.TryRead(evidence.Attestations[i], source, _limits, out var entity, out var error)
                ? (entity, source, null)
                : (null, source, error);
        }

        for (int i = 0; i < evidence.Bundles.Length; i++)
        {
            var source = $"bundle {i + 1}";
            yield return SigstoreBundleReader.TryRead(evidence.Bundles[i], source, _limits, out var entity, out var error)
                ? (entity, source, null)
                : (null, source, error);
        }
    }
}
