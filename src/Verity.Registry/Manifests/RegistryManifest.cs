using System.Collections.Immutable;
using Verity.Core.Images;

namespace Verity.Registry.Manifests;

/// <summary>
/// A manifest or index as fetched from a registry, with its verified digest, raw bytes and parsed descriptors.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Digest"/> is always computed from <see cref="Content"/> by Verity: for a fetch by digest it equals
/// the requested digest (anything else is a <see cref="RegistryErrorKind.DigestMismatch"/>); for a fetch by tag
/// it is the sha256 of the bytes, which also had to match the registry's <c>Docker-Content-Digest</c> header.
/// Signatures must be checked against <see cref="Content"/>, never against a re-serialisation.
/// </para>
/// <para>
/// <see cref="MediaType"/> is the manifest's own <c>mediaType</c> field, or the response's <c>Content-Type</c>
/// when the field is absent (it is optional in OCI manifests).
/// </para>
/// </remarks>
public sealed class RegistryManifest
{
    /// <summary>The digest of <see cref="Content"/>.</summary>
    public required Digest Digest { get; init; }

    /// <summary>The media type (see remarks).</summary>
    public required string MediaType { get; init; }

    /// <summary>The exact bytes the registry sent.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The <c>artifactType</c> field (OCI 1.1), if present.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>The <c>config</c> descriptor of an image manifest, if present.</summary>
    public Descriptor? Config { get; init; }

    /// <summary>The <c>layers</c> of an image manifest (<c>blobs</c> of an OCI artifact manifest).</summary>
    public ImmutableArray<Descriptor> Layers { get; init; } = [];

    /// <summary>The <c>manifests</c> of an index or manifest list.</summary>
    public ImmutableArray<Descriptor> Manifests { get; init; } = [];

    /// <summary>The <c>subject</c> (OCI 1.1), if present.</summary>
    public Descriptor? Subject { get; init; }

    /// <summary>The manifest's annotations, empty if none.</summary>
    public ImmutableDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Whether this is an index or manifest list.</summary>
    public bool IsIndex => ManifestMediaTypes.IsIndex(MediaType);
}
