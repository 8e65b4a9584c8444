using Verity.Fuzz.Targets;

namespace Verity.Fuzz;

/// <summary>Every fuzz target, by name (the names of <c>scripts/fuzz.sh</c> and of the folders in <c>fuzz/corpus/</c>).</summary>
internal static class FuzzTargets
{
    private static readonly Dictionary<string, Func<FuzzTarget>> Factories = new(StringComparer.Ordinal)
    {
        ["admission-review"] = () => new AdmissionReviewTarget(),
        ["image-reference"] = () => new ImageReferenceTarget(),
        ["policy-pattern"] = () => new PolicyPatternTarget(),
        ["config"] = () => new ConfigTarget(),
        ["tuf-metadata"] = () => new TufMetadataTarget(),
        ["tuf-verify"] = () => new TufVerifyTarget(),
        ["canonical-json-olpc"] = () => new OlpcCanonicalJsonTarget(),
        ["canonical-json-rfc8785"] = () => new Rfc8785CanonicalJsonTarget(),
        ["sigstore-bundle"] = () => new SigstoreBundleTarget(),
        ["dsse"] = () => new DsseTarget(),
        ["simple-signing"] = () => new SimpleSigningTarget(),
        ["rekor"] = () => new RekorTarget(),
        ["cosign-layer"] = () => new CosignLayerTarget(),
        ["registry-manifest"] = () => new RegistryManifestTarget(),
        ["auth-challenge"] = () => new AuthChallengeTarget(),
        ["registry-secret"] = () => new RegistrySecretTarget(),
    };

    /// <summary>The names, in the order <c>scripts/fuzz.sh all</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys];

    /// <summary>Creates target <paramref name="name"/> (dispose it when it is <see cref="IDisposable"/>), or null.</summary>
    public static FuzzTarget? Create(string name) => Factories.TryGetValue(name, out var create) ? create() : null;
}
