namespace Verity.Registry;

/// <summary>Default byte limits for registry responses.</summary>
/// <remarks>
/// Every <see cref="IRegistryClient"/> call takes an explicit limit; these are the values to pass when a
/// validator has no reason to choose another. Responses are read as a stream and abandoned as soon as they
/// pass the limit, so a hostile registry cannot make Verity buffer more than the limit plus one read.
/// </remarks>
public static class RegistryLimits
{
    /// <summary>4 MiB: the limit distribution and containerd apply to manifests.</summary>
    public const long ManifestBytes = 4 * 1024 * 1024;

    /// <summary>4 MiB: enough for signature payloads, Sigstore bundles and Notation envelopes.</summary>
    public const long SignatureBlobBytes = 4 * 1024 * 1024;

    /// <summary>1 MiB: token service responses and tag lists.</summary>
    public const long SmallBytes = 1024 * 1024;
}
