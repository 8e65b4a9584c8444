namespace Verity.Registry.Manifests;

/// <summary>The <c>platform</c> of an index entry (OCI image-index.md).</summary>
public sealed record Platform
{
    /// <summary>Operating system, e.g. <c>linux</c>.</summary>
    public required string OperatingSystem { get; init; }

    /// <summary>CPU architecture, e.g. <c>amd64</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>CPU variant, e.g. <c>v8</c>, if given.</summary>
    public string? Variant { get; init; }

    /// <summary><c>os/architecture[/variant]</c>.</summary>
    public override string ToString() => OperatingSystem + "/" + Architecture + (Variant is null ? string.Empty : "/" + Variant);
}
