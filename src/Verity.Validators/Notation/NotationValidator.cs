using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Validators.Notation.Discovery;
using Verity.Validators.Notation.Envelope;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Notation;

/// <summary>
/// <c>type: notation</c>: an image is trusted when the Notary Project signatures that refer to its manifest satisfy
/// the rule's trust roots, threshold and required signers at the rule's verification level.
/// </summary>
/// <remarks>
/// <para>Per image: the rule selects the trust roots (<see cref="TrustRootSelection.TrySelect"/>); the reference's
/// manifest is fetched (a tag is resolved; its media type, digest and size are what a signature must cover); with
/// <c>verificationLevel: skip</c> the image is trusted at that digest without looking at signatures; otherwise
/// discovery fetches the signature envelopes (<see cref="NotationSignatureDiscovery"/>), each is verified against
/// every selected root (<see cref="NotationSignatureVerifier"/>), and the roots with a valid signature are decided
/// by <see cref="TrustRootSelection.FindShortfall(IReadOnlyDictionary{string, IReadOnlySet{string}}, Func{string?, string})"/>,
/// counting distinct signers, each signing certificate for one signer only.</para>
/// <para>Under <c>audit</c> only integrity is enforced: the image is trusted when one signature holds its integrity,
/// and what strict verification would have said is logged and put in the outcome's detail. An image without
/// signatures is denied at every level but skip.</para>
/// <para>Revocation is not checked; logs say "revocation not checked". Registry failures other than an unknown image
/// are <see cref="ValidationException"/>s (the caller denies).</para>
/// </remarks>
public sealed class NotationValidator : IValidator
{
    private readonly NotationValidatorDefinition _definition;
    private readonly IRegistryClient _registry;
    private readonly NotationSignatureDiscovery _discovery;
    private readonly NotationSignatureVerifier _verifier;
    private readonly ILogger _logger;

    /// <summary>Creates the validator; does no I/O.</summary>
    public NotationValidator(NotationValidatorDefinition definition, IRegistryClient registry, TimeProvider timeProvider, ILogger? logger = null, NotationLimits? limits = null)
    {
        _definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _discovery = new NotationSignatureDiscovery(registry, limits ?? NotationLimits.Default);
        _verifier = new NotationSignatureVerifier(timeProvider);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public string Name => _definition.Name;

    /// <inheritdoc/>
    public string Type => NotationValidatorType.TypeName;

    /// <inheritdoc/>
    public bool IsCacheable => true;

    /// <inheritdoc/>
    public async ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var notationOptions = options as NotationRuleOptions ?? NotationRuleOptions.Default with { Mode = options.Mode };
        if (!TrustRootSelection.TrySelect(_definition.TrustRoots, notationOptions, out var selection, out var error))
        {
            return new ValidationOutcome.Denied(error);
        }

        TargetArtifact expected;
        Digest digest;
        try
        {
            if (notationOptions.VerificationLevel == NotationVerificationLevel.Skip)
            {
                digest = await _registry.ResolveAsync(image, RegistryLimits.ManifestBytes, cancellationToken);
                return new ValidationOutcome.Trusted(digest, "notation verification level skip: signatures not verified");
            }

            var manifest = await _registry.GetManifestAsync(image, RegistryLimits.ManifestBytes, cancellationToken);
            digest = manifest.Digest;
            expected = new TargetArtifact(manifest.MediaType, digest.ToString(), manifest.Content.Length);
        }
        catch (RegistryException e) when (e.IsNotFound)
        {
            return new ValidationOutcome.Denied($"image \"{image.Canonical}\" does not exist");
        }
        catch (RegistryException e)
        {
            throw Unavailable(image, e);
        }

        NotationDiscoveryResult found;
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

        foreach (var skipped in found.Skipped)
        {
            _logger.SignatureRejected(image.Canonical, Name, "-", skipped);
        }

        if (found.Signatures.IsEmpty)
        {
            var why = found.Skipped.IsEmpty ? string.Empty : $"; {found.Skipped[0]}";
            return new ValidationOutcome.Denied($"no notation signatures found for {image.Name}@{digest} ({Roots(selection)}){why}");
        }

        var roots = selection.TrustRoots.OfType<CertificateTrustRoot>().ToList();
        var level = notationOptions.VerificationLevel;
        var signed = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        string? firstIntegrityFailure = null;
        bool anyIntegrity = false;
        var levelName = LevelName(level);
        foreach (var signature in found.Signatures)
        {
            var label = signature.Manifest.ToString();
            var envelope = NotationEnvelopeReader.TryRead(signature.MediaType, signature.Envelope.Span, out var parseError);
            var verdict = envelope is null
                ? new NotationVerdict { IntegrityFailure = parseError }
                : _verifier.Verify(envelope, expected, roots, level, notationOptions.VerifyTimestamp);
            if (verdict.IntegrityFailure is { } integrity)
            {
                _logger.SignatureRejected(image.Canonical, Name, label, integrity);
                firstIntegrityFailure ??= integrity;
                continue;
            }

            anyIntegrity = true;
            foreach (var finding in verdict.Logged)
            {
                _logger.Logged(image.Canonical, Name, label, levelName, finding);
            }

            foreach (var (root, failure) in verdict.Roots)
            {
                if (failure is null)
                {
                    // Keyed by the signing certificate, so one signature counts for one signer however many
                    // (overlapping) trust roots it satisfies.
                    if (!signed.TryGetValue(root, out var by))
                    {
                        signed[root] = by = new HashSet<string>(StringComparer.Ordinal);
                    }

                    ((HashSet<string>)by).Add(verdict.SignerThumbprint ?? label);
                }
                else
                {
                    reasons.TryAdd(root, failure);
                    _logger.SignatureRejected(image.Canonical, Name, label, failure);
                }
            }
        }

        string Detail(string? root)
        {
            var reason = root is not null && reasons.TryGetValue(root, out var r) ? r : firstIntegrityFailure ?? reasons.Values.FirstOrDefault();
            return reason is null ? string.Empty : $": {reason}";
        }

        var shortfall = anyIntegrity ? selection.FindShortfall(signed, Detail) : $"no valid notation signature for {image.Name}@{digest}{Detail(null)}";
        if (level == NotationVerificationLevel.Audit && anyIntegrity)
        {
            // Audit enforces integrity only (trust-policy specification); what stricter levels would decide is logged.
            if (shortfall is not null)
            {
                var wouldBe = "would be denied: " + shortfall;
                _logger.Logged(image.Canonical, Name, "-", levelName, wouldBe);
            }

            return new ValidationOutcome.Trusted(digest, shortfall is null
                ? $"notation audit: signed by {string.Join(", ", selection.SignedRoots(signed.Keys.ToHashSet(StringComparer.Ordinal)))}; revocation not checked"
                : $"notation audit: admitted, would be denied: {shortfall}; revocation not checked");
        }

        if (shortfall is not null)
        {
            return new ValidationOutcome.Denied(shortfall);
        }

        return new ValidationOutcome.Trusted(digest, $"notation: signed by {string.Join(", ", selection.SignedRoots(signed.Keys.ToHashSet(StringComparer.Ordinal)))} ({LevelName(level)}); revocation not checked");
    }

    private static string LevelName(NotationVerificationLevel level) => level.ToString().ToLowerInvariant();

    private static string Roots(TrustRootSelection selection)
    {
        var names = string.Join(", ", selection.TrustRoots.Select(r => $"\"{r.Name}\""));
        return selection.TrustRoots.Length == 1 ? "trust root " + names : "trust roots " + names;
    }

    private static ValidationException Unavailable(ImageReference image, RegistryException e) =>
        new($"cannot read notation signatures from registry {image.Registry}: {e.Message}", e);
}
