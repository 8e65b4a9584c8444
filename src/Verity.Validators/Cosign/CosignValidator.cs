using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Registry.Manifests;
using Verity.Validators.Cosign.Discovery;
using Verity.Validators.Cosign.Keys;
using Verity.Validators.Cosign.Policy;
using Verity.Validators.Cosign.TrustedRoot;
using Verity.Validators.Cosign.Verification;

namespace Verity.Validators.Cosign;

/// <summary>
/// <c>type: cosign</c>: an image is trusted when the signatures stored for its digest (cosign <c>.sig</c> tags and
/// Sigstore bundle referrers) satisfy the rule's trust roots, threshold and required signers.
/// </summary>
/// <remarks>
/// <para>Per image, in this order:</para>
/// <list type="number">
/// <item>the rule selects the trust roots (<see cref="CosignPolicy.TrySelect"/>); <c>k8s://</c> key references among
/// them are resolved to keys (<see cref="IKeyReferenceResolver"/>);</item>
/// <item>the reference is resolved to a digest: a tag through the registry (unknown tag: "does not exist"), a digest
/// as written;</item>
/// <item>one discovery pass fetches every signature of that digest (<see cref="SignatureDiscovery"/>), whatever the
/// number of trust roots;</item>
/// <item>every signature is verified against every selected trust root locally (<see cref="CosignImageVerifier"/>)
/// and the policy decides (<see cref="CosignPolicy.Evaluate"/>). A trusted image is pinned to that digest, the one
/// the signatures were checked against.</item>
/// </list>
/// <para>Multi-platform images: the signed digest must be the digest the reference resolves to, usually the image
/// index, as cosign signs and checks it. A platform manifest referenced by its own digest is not covered by a
/// signature of its index. With <see cref="CosignRuleOptions.AcceptSignedPlatforms"/>, an index without a valid signature of
/// its own is trusted when every platform manifest it lists is (BuildKit attestation manifests, annotated
/// <c>vnd.docker.reference.type: attestation-manifest</c>, are not images and are skipped); the workload is still
/// pinned to the index digest, so nodes pull exactly the platform manifests that were checked.</para>
/// <para>Registry failures other than an unknown tag are <see cref="ValidationException"/>s naming the registry:
/// the caller denies (fail closed).</para>
/// </remarks>
public sealed class CosignValidator : IValidator, IValidatorWarmUp
{
    private const string AttestationManifestAnnotation = "vnd.docker.reference.type";

    private readonly CosignValidatorDefinition _definition;
    private readonly IRegistryClient _registry;
    private readonly IKeyReferenceResolver _keys;
    private readonly CosignImageVerifier _verifier;
    private readonly SignatureDiscovery _discovery;
    private readonly CosignLimits _limits;

    /// <summary>Creates the validator; does no I/O.</summary>
    internal CosignValidator(
        CosignValidatorDefinition definition,
        TrustedMaterial material,
        IRegistryClient registry,
        IKeyReferenceResolver keys,
        TimeProvider timeProvider,
        CosignLimits? limits = null)
    {
        _definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _limits = limits ?? CosignLimits.Default;
        _verifier = new CosignImageVerifier(material, timeProvider, _limits);
        _discovery = new SignatureDiscovery(registry, _limits);
    }

    /// <inheritdoc/>
    public string Name => _definition.Name;

    /// <inheritdoc/>
    public string Type => CosignValidatorType.TypeName;

    /// <inheritdoc/>
    public bool IsCacheable => true;

    /// <inheritdoc/>
    public async ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var cosignOptions = options as CosignRuleOptions ?? CosignRuleOptions.Default with { Mode = options.Mode };
        if (!CosignPolicy.TrySelect(_definition.TrustRoots, cosignOptions, out var requirement, out var error))
        {
            return new ValidationOutcome.Denied(error);
        }

        requirement = requirement with { TrustRoots = await ResolveKeysAsync(requirement.TrustRoots, cancellationToken) };

        Digest digest;
        try
        {
            digest = await _registry.ResolveAsync(image, RegistryLimits.ManifestBytes, cancellationToken);
        }
        catch (RegistryException e) when (e.IsNotFound)
        {
            return new ValidationOutcome.Denied($"image \"{image.Canonical}\" does not exist");
        }
        catch (RegistryException e)
        {
            throw Unavailable(image, e);
        }

        var verification = new CosignVerificationOptions
        {
            RequireTransparencyLog = cosignOptions.VerifyInTransparencyLog,
            VerifySct = cosignOptions.VerifySct,
            PredicateTypes = cosignOptions.PredicateTypes,
        };
        var outcome = await ValidateDigestAsync(image, digest, requirement, verification, cancellationToken);
        if (outcome is ValidationOutcome.Denied denied && cosignOptions.AcceptSignedPlatforms)
        {
            return await ValidatePlatformsAsync(image, digest, requirement, verification, denied, cancellationToken);
        }

        return outcome;
    }

    private async Task<ValidationOutcome> ValidateDigestAsync(
        ImageReference image, Digest digest, TrustRootSelection requirement, CosignVerificationOptions options, CancellationToken cancellationToken)
    {
        DiscoveryResult found;
        try
        {
            found = await _discovery.FindAsync(image, digest, cancellationToken);
        }
        catch (RegistryException e)
        {
            throw Unavailable(image, e);
        }

        if (found.Refusal is not null)
        {
            return new ValidationOutcome.Denied(found.Refusal);
        }

        if (found.Evidence.Count == 0)
        {
            return new ValidationOutcome.Denied($"no signatures found for {image.Name}@{digest} ({Roots(requirement)})");
        }

        var report = _verifier.Verify(digest, found.Evidence, requirement.TrustRoots, options);
        return CosignPolicy.Evaluate(requirement, report);
    }

    private async Task<ValidationOutcome> ValidatePlatformsAsync(
        ImageReference image,
        Digest index,
        TrustRootSelection requirement,
        CosignVerificationOptions options,
        ValidationOutcome.Denied indexDenial,
        CancellationToken cancellationToken)
    {
        RegistryManifest manifest;
        try
        {
            manifest = await _registry.GetManifestAsync(image.PinnedTo(index), RegistryLimits.ManifestBytes, cancellationToken);
        }
        catch (RegistryException e) when (e.IsNotFound)
        {
            return indexDenial;
        }
        catch (RegistryException e)
        {
            throw Unavailable(image, e);
        }

        // Only an entry that is both annotated as an attestation manifest and names no real platform (BuildKit writes
        // unknown/unknown) is skipped: the annotation alone is the registry's word, and would hide a real, unsigned image.
        var platforms = manifest.IsIndex
            ? manifest.Manifests.Where(m => !IsAttestationManifest(m)).ToList()
            : [];
        if (platforms.Count == 0)
        {
            return indexDenial;
        }

        if (platforms.Count > _limits.MaxPlatforms)
        {
            return new ValidationOutcome.Denied(
                $"{indexDenial.Reason}, and the index lists {platforms.Count} platform manifests, more than the limit of {_limits.MaxPlatforms} that are checked one by one");
        }

        foreach (var platform in platforms)
        {
            var outcome = await ValidateDigestAsync(image, platform.Digest, requirement, options, cancellationToken);
            if (outcome is ValidationOutcome.Denied denied)
            {
                var name = platform.Platform is { } p ? $"platform manifest {p}" : "platform manifest";
                return new ValidationOutcome.Denied($"{indexDenial.Reason}, and its {name} is not trusted either: {denied.Reason}");
            }
        }

        return new ValidationOutcome.Trusted(index, $"image index with {platforms.Count} signed platform manifests ({Roots(requirement)})");
    }

    private async ValueTask<ImmutableArray<TrustRoot>> ResolveKeysAsync(ImmutableArray<TrustRoot> roots, CancellationToken cancellationToken)
    {
        if (!roots.Any(r => r is KeyReferenceTrustRoot))
        {
            return roots;
        }

        var resolved = ImmutableArray.CreateBuilder<TrustRoot>(roots.Length);
        foreach (var root in roots)
        {
            resolved.Add(root is KeyReferenceTrustRoot reference
                ? new PublicKeyTrustRoot(reference.Name, await _keys.ResolveAsync(reference.Reference, cancellationToken))
                : root);
        }

        return resolved.MoveToImmutable();
    }

    private static bool IsAttestationManifest(Descriptor entry) =>
        entry.Annotations.GetValueOrDefault(AttestationManifestAnnotation) == "attestation-manifest"
        && entry.Platform is { OperatingSystem: "unknown", Architecture: "unknown", Variant: null };

    private static string Roots(TrustRootSelection requirement)
    {
        var names = string.Join(", ", requirement.TrustRoots.Select(r => $"\"{r.Name}\""));
        return requirement.TrustRoots.Length == 1 ? "trust root " + names : "trust roots " + names;
    }

    private static ValidationException Unavailable(ImageReference image, RegistryException e)
    {
        return new ValidationException($"cannot read signatures from registry {image.Registry}: {e.Message}", e);
    }

    /// <summary>Opens a connection to each registry of <paramref name="images"/> (one version check per registry, through the
    /// client validations use), so the first validation finds it in the pool. A failure is reported, not thrown.</summary>
    public async ValueTask<string> WarmUpAsync(IReadOnlyCollection<ImageReference> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var registries = images.DistinctBy(i => i.Registry, StringComparer.OrdinalIgnoreCase).ToArray();
        var results = await Task.WhenAll(registries.Select(async image =>
        {
            try
            {
                await _registry.PingAsync(image, cancellationToken);
                return $"connected to {image.Registry}";
            }
            catch (RegistryException e)
            {
                return e.StatusCode is not null ? $"connected to {image.Registry}" : $"could not connect to {image.Registry}: {e.Message}";
            }
        }));
        return results.Length == 0 ? "no registry to connect to" : string.Join("; ", results);
    }
}
