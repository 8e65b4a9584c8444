using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Registry;
using Verity.Registry.Manifests;
using Verity.Registry.Referrers;
using Verity.Validators.Cosign.Signatures;

namespace Verity.Validators.Cosign.Discovery;

/// <summary>
/// Finds every cosign signature of one image digest in one pass over its registry, for all trust roots at once.
/// </summary>
/// <remarks>
/// <para>Two places are searched, as cosign 2 and cosign 3 store signatures:</para>
/// <list type="number">
/// <item>the legacy tag <c>sha256-&lt;hex&gt;.sig</c> in the image's repository: an image manifest with one layer per
/// signature (a simple-signing payload blob, the signature and its evidence in the layer's annotations); 404 means
/// there is none;</item>
/// <item>the legacy tag <c>sha256-&lt;hex&gt;.att</c> (<c>cosign attest</c> before bundles), looked up at the same time:
/// one layer per attestation, a DSSE envelope blob with its certificate and Rekor bundle in the annotations; verified
/// like a <c>.sig</c> layer, and counting as a signature under the same predicate-type rule as DSSE bundles;</item>
/// <item>the OCI 1.1 referrers of the digest (the referrers API, or the <c>sha256-&lt;hex&gt;</c> tag schema when the
/// API answers 404) whose artifact type is a Sigstore bundle media type (<c>application/vnd.dev.sigstore.bundle.v0.3+json</c>,
/// <c>application/vnd.dev.sigstore.bundle+json;version=0.1|0.2|0.3</c>); each such referrer manifest is fetched by
/// its digest, must name the image digest as its <c>subject</c> (the list is only the registry's claim), and its
/// bundle layers are fetched. A referrer that is listed but gone (404) is skipped.</item>
/// </list>
/// <para>Round trips: the <c>.sig</c> and <c>.att</c> manifests and the referrers list in parallel (plus one for the tag schema on
/// registries without the API), one blob per distinct payload, and a manifest and a blob per bundle referrer.</para>
/// <para>Bounds (<see cref="CosignLimits"/>): the number of signatures is checked from the manifests before any
/// payload is downloaded, each blob is fetched with its size limit, and all blobs together must stay below
/// <see cref="CosignLimits.MaxEvidenceBytes"/>. An answer beyond a bound is a <see cref="DiscoveryResult.Refusal"/>
/// (the image is denied), never a partial check. Every other registry failure is a <see cref="RegistryException"/>
/// for the caller to fail closed on; the client has checked every manifest and blob against its digest.</para>
/// </remarks>
internal sealed class SignatureDiscovery
{
    private readonly IRegistryClient _registry;
    private readonly CosignLimits _limits;

    /// <summary>Creates the discovery for one validator's registry client.</summary>
    public SignatureDiscovery(IRegistryClient registry, CosignLimits limits)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
    }

    /// <summary>The cosign signature tag of <paramref name="digest"/>: <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public static string SignatureTag(Digest digest) => $"{digest.Algorithm}-{digest.Hex}.sig";

    /// <summary>The legacy cosign attestation tag of <paramref name="digest"/>: <c>sha256-&lt;hex&gt;.att</c>.</summary>
    public static string AttestationTag(Digest digest) => $"{digest.Algorithm}-{digest.Hex}.att";

    /// <summary>Whether <paramref name="mediaType"/> is a Sigstore bundle media type.</summary>
    public static bool IsBundleType(string? mediaType) => mediaType is not null && SigstoreBundleReader.MinorVersion(mediaType) is not null;

    /// <summary>Finds the signatures of <paramref name="digest"/> in <paramref name="image"/>'s repository.</summary>
    /// <exception cref="RegistryException">The registry could not be read.</exception>
    public async Task<DiscoveryResult> FindAsync(ImageReference image, Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var signatureTag = image.WithTag(SignatureTag(digest));
        var attestationTag = image.WithTag(AttestationTag(digest));

        RegistryManifest? signatureManifest;
        RegistryManifest? attestationManifest;
        ReferrerList referrers;
        using (var lookups = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var legacy = _registry.TryGetManifestAsync(signatureTag, RegistryLimits.ManifestBytes, lookups.Token).AsTask();
            var legacyAttestations = _registry.TryGetManifestAsync(attestationTag, RegistryLimits.ManifestBytes, lookups.Token).AsTask();
            var bundles = _registry.GetReferrersAsync(image, digest, artifactType: null, RegistryLimits.ManifestBytes, lookups.Token).AsTask();
            try
            {
                signatureManifest = await legacy;
                attestationManifest = await legacyAttestations;
                referrers = await bundles;
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
            {
                await CancelAsync(lookups, legacy, legacyAttestations, bundles);
                return DiscoveryResult.Refused(e.Message);
            }
            catch
            {
                await CancelAsync(lookups, legacy, legacyAttestations, bundles);
                throw;
            }
        }

        var layers = signatureManifest?.Layers ?? [];
        var attestationLayers = attestationManifest?.Layers ?? [];
        var bundleReferrers = referrers.Referrers.Where(d => IsBundleType(d.ArtifactType)).DistinctBy(d => d.Digest).ToList();
        if (layers.Length + attestationLayers.Length + bundleReferrers.Count > _limits.MaxSignatures)
        {
            return DiscoveryResult.Refused(TooMany(layers.Length + attestationLayers.Length + bundleReferrers.Count));
        }

        // Every byte fetched for the image counts toward one budget: the signature and attestation manifests and each
        // referrer manifest as well as the blobs (a registry cannot make Verity download more by spreading it over manifests).
        var budget = new Budget(_limits.MaxEvidenceBytes);
        if (!budget.TrySpend(signatureManifest?.Content.Length ?? 0) || !budget.TrySpend(attestationManifest?.Content.Length ?? 0))
        {
            return DiscoveryResult.Refused($"the signatures of the image are more than {budget.Limit} bytes together");
        }

        var payloads = new Dictionary<Digest, ReadOnlyMemory<byte>>();
        var found = ImmutableArray.CreateBuilder<CosignSignatureLayer>(layers.Length);
        for (var i = 0; i < layers.Length; i++)
        {
            var layer = layers[i];
            if (!payloads.TryGetValue(layer.Digest, out var payload))
            {
                var (blob, refusal) = await FetchAsync(image, layer, $"signature layer {i + 1} of {signatureTag}", _limits.MaxPayloadBytes, budget, cancellationToken);
                if (refusal is not null)
                {
                    return DiscoveryResult.Refused(refusal);
                }

                payload = payloads[layer.Digest] = blob;
            }

            found.Add(new CosignSignatureLayer(layer.Annotations, payload, layer.MediaType));
        }

        var attestations = ImmutableArray.CreateBuilder<CosignSignatureLayer>(attestationLayers.Length);
        var envelopes = new Dictionary<Digest, ReadOnlyMemory<byte>>();
        for (var i = 0; i < attestationLayers.Length; i++)
        {
            var layer = attestationLayers[i];
            if (!envelopes.TryGetValue(layer.Digest, out var envelope))
            {
                var (blob, refusal) = await FetchAsync(image, layer, $"attestation layer {i + 1} of {attestationTag}", _limits.MaxBundleBytes, budget, cancellationToken);
                if (refusal is not null)
                {
                    return DiscoveryResult.Refused(refusal);
                }

                envelope = envelopes[layer.Digest] = blob;
            }

            attestations.Add(new CosignSignatureLayer(layer.Annotations, envelope, layer.MediaType));
        }

        var bundleBlobs = ImmutableArray.CreateBuilder<SigstoreBundleBlob>();
        foreach (var descriptor in bundleReferrers)
        {
            RegistryManifest? manifest;
            try
            {
                manifest = await _registry.TryGetManifestAsync(
                    image.PinnedTo(descriptor.Digest), Math.Clamp(budget.Remaining, 1, RegistryLimits.ManifestBytes), cancellationToken);
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
            {
                return DiscoveryResult.Refused($"the signatures of the image are more than {budget.Limit} bytes together ({e.Message})");
            }

            if (manifest is not null && !budget.TrySpend(manifest.Content.Length))
            {
                return DiscoveryResult.Refused($"the signatures of the image are more than {budget.Limit} bytes together");
            }

            if (manifest is null || manifest.Subject?.Digest != digest || !IsBundleType(manifest.ArtifactType ?? manifest.Config?.MediaType))
            {
                continue;
            }

            foreach (var layer in manifest.Layers.Where(l => IsBundleType(l.MediaType)))
            {
                if (found.Count + attestations.Count + bundleBlobs.Count + 1 > _limits.MaxSignatures)
                {
                    return DiscoveryResult.Refused(TooMany(found.Count + attestations.Count + bundleBlobs.Count + 1));
                }

                var (blob, refusal) = await FetchAsync(image, layer, $"the bundle of referrer {descriptor.Digest}", _limits.MaxBundleBytes, budget, cancellationToken);
                if (refusal is not null)
                {
                    return DiscoveryResult.Refused(refusal);
                }

                bundleBlobs.Add(new SigstoreBundleBlob(blob));
            }
        }

        return DiscoveryResult.Found(
            new CosignEvidence { Layers = found.ToImmutable(), Bundles = bundleBlobs.ToImmutable(), Attestations = attestations.ToImmutable() },
            signatureManifest is not null);
    }

    private string TooMany(int count) => $"the image has {count} signatures, more than the limit of {_limits.MaxSignatures}";

    private async Task<(ReadOnlyMemory<byte> Blob, string? Refusal)> FetchAsync(
        ImageReference image, Descriptor layer, string what, int limit, Budget budget, CancellationToken cancellationToken)
    {
        if (layer.Size > limit)
        {
            return (default, $"{what} is {layer.Size} bytes, more than the limit of {limit}");
        }

        ReadOnlyMemory<byte> blob;
        try
        {
            blob = await _registry.GetBlobAsync(image, layer.Digest, limit, cancellationToken);
        }
        catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
        {
            return (default, e.Message);
        }

        return budget.TrySpend(blob.Length)
            ? (blob, null)
            : (default, $"the signatures of the image are more than {budget.Limit} bytes together");
    }

    private static async Task CancelAsync(CancellationTokenSource lookups, params Task[] lookupTasks)
    {
        await lookups.CancelAsync();
        await Task.WhenAll(lookupTasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private sealed class Budget(long limit)
    {
        private long _spent;

        public long Limit => limit;

        public long Remaining => Math.Max(0, limit - _spent);

        public bool TrySpend(long bytes)
        {
            _spent += bytes;
            return _spent <= limit;
        }
    }
}
