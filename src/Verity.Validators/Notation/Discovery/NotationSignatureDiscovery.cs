using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Registry;
using Verity.Registry.Manifests;
using Verity.Validators.Notation.Envelope;

namespace Verity.Validators.Notation.Discovery;

/// <summary>
/// Finds the Notary Project signatures of one manifest digest: its OCI 1.1 referrers of artifact type
/// <c>application/vnd.cncf.notary.signature</c> (the referrers API, or the <c>sha256-&lt;hex&gt;</c> tag schema when
/// the API answers 404, both inside <see cref="IRegistryClient.GetReferrersAsync"/>).
/// </summary>
/// <remarks>
/// The referrers list is only the registry's claim: each signature manifest is fetched by its digest (the client
/// checks the bytes against it), must name the image digest as its <c>subject</c> and have the signature artifact
/// type, and must carry exactly one envelope layer of a supported media type; its blob is fetched with its size
/// bounded and checked against its digest. More than <see cref="NotationLimits.MaxSignatures"/> signatures, an
/// envelope above <see cref="NotationLimits.MaxEnvelopeBytes"/> or more than <see cref="NotationLimits.MaxTotalBytes"/>
/// together is a refusal, never a partial check. Other registry failures are <see cref="RegistryException"/>s.
/// </remarks>
public sealed class NotationSignatureDiscovery
{
    private readonly IRegistryClient _registry;
    private readonly NotationLimits _limits;

    /// <summary>Creates the discovery for one validator's registry client.</summary>
    public NotationSignatureDiscovery(IRegistryClient registry, NotationLimits limits)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
    }

    /// <summary>Finds the signatures of <paramref name="digest"/> in <paramref name="image"/>'s repository.</summary>
    /// <exception cref="RegistryException">The registry could not be read.</exception>
    public async Task<NotationDiscoveryResult> FindAsync(ImageReference image, Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        Verity.Registry.Referrers.ReferrerList referrers;
        try
        {
            referrers = await _registry.GetReferrersAsync(image, digest, NotaryHeaders.SignatureArtifactType, RegistryLimits.ManifestBytes, cancellationToken);
        }
        catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
        {
            return new NotationDiscoveryResult { Refusal = $"the list of signatures of the image is too large: {e.Message}" };
        }

        var candidates = referrers.Referrers
            .Where(d => d.ArtifactType == NotaryHeaders.SignatureArtifactType)
            .DistinctBy(d => d.Digest)
            .ToList();
        if (candidates.Count > _limits.MaxSignatures)
        {
            return new NotationDiscoveryResult { Refusal = $"the image has {candidates.Count} notation signatures, more than the limit of {_limits.MaxSignatures}" };
        }

        var found = ImmutableArray.CreateBuilder<NotationSignatureBlob>();
        var skipped = ImmutableArray.CreateBuilder<string>();
        // Every byte fetched for the signatures counts toward one budget: the signature manifests as well as the
        // envelopes (a registry cannot make Verity download more by padding manifests).
        long total = 0;
        string OverBudget() => $"the notation signatures of the image are more than {_limits.MaxTotalBytes} bytes together";
        foreach (var descriptor in candidates)
        {
            RegistryManifest? manifest;
            try
            {
                manifest = await _registry.TryGetManifestAsync(
                    image.PinnedTo(descriptor.Digest), Math.Clamp(_limits.MaxTotalBytes - total, 1, RegistryLimits.ManifestBytes), cancellationToken);
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
            {
                return new NotationDiscoveryResult { Refusal = OverBudget() };
            }

            if (manifest is null)
            {
                continue;
            }

            total += manifest.Content.Length;
            if (total > _limits.MaxTotalBytes)
            {
                return new NotationDiscoveryResult { Refusal = OverBudget() };
            }

            if (manifest.Subject?.Digest != digest)
            {
                skipped.Add($"signature artifact {descriptor.Digest} has subject {manifest.Subject?.Digest.ToString() ?? "(none)"}, not {digest}");
                continue;
            }

            if ((manifest.ArtifactType ?? manifest.Config?.MediaType) != NotaryHeaders.SignatureArtifactType)
            {
                skipped.Add($"signature artifact {descriptor.Digest} is not of type {NotaryHeaders.SignatureArtifactType}");
                continue;
            }

            var envelopes = manifest.Layers.Where(l => NotationEnvelopeReader.IsEnvelopeType(l.MediaType)).ToList();
            if (envelopes.Count != 1 || manifest.Layers.Length != 1)
            {
                skipped.Add($"signature artifact {descriptor.Digest} has {manifest.Layers.Length} layers, not one JWS or COSE envelope");
                continue;
            }

            var layer = envelopes[0];
            if (layer.Size > _limits.MaxEnvelopeBytes)
            {
                return new NotationDiscoveryResult { Refusal = $"the envelope of signature {descriptor.Digest} is {layer.Size} bytes, more than the limit of {_limits.MaxEnvelopeBytes}" };
            }

            if (total + layer.Size > _limits.MaxTotalBytes)
            {
                return new NotationDiscoveryResult { Refusal = OverBudget() };
            }

            ReadOnlyMemory<byte> blob;
            try
            {
                blob = await _registry.GetBlobAsync(image, layer.Digest, Math.Min(_limits.MaxEnvelopeBytes, _limits.MaxTotalBytes - total), cancellationToken);
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
            {
                return new NotationDiscoveryResult { Refusal = e.Message };
            }

            total += blob.Length;
            if (total > _limits.MaxTotalBytes)
            {
                return new NotationDiscoveryResult { Refusal = OverBudget() };
            }

            found.Add(new NotationSignatureBlob(descriptor.Digest, layer.MediaType, blob));
        }

        return new NotationDiscoveryResult { Signatures = found.ToImmutable(), Skipped = skipped.ToImmutable() };
    }
}
