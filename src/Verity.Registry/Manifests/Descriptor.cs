using System.Collections.Immutable;
using Verity.Core.Images;

namespace Verity.Registry.Manifests;

/// <summary>An OCI content descriptor (OCI image specification, descriptor.md).</summary>
/// <remarks>
/// Descriptors parsed from registry responses are validated: the digest is a valid
/// <see cref="Core.Images.Digest"/> and the size is not negative.
/// </remarks>
public sealed record Descriptor
{
    /// <summary>The media type of the referenced content.</summary>
    public required string MediaType { get; init; }

    /// <summary>The digest of the referenced content.</summary>
    public required Digest Digest { get; init; }

    /// <summary>The size of the referenced content in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>The artifact type (OCI 1.1), if given.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>Annotations, empty if none.</summary>
    public ImmutableDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The platform of an index entry, if given.</summary>
    public Platform? Platform { get; init; }
}
