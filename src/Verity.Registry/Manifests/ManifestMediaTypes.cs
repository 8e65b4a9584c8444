namespace Verity.Registry.Manifests;

/// <summary>The manifest media types Verity asks registries for.</summary>
/// <remarks>
/// OCI image specification (manifest.md, image-index.md) and Docker Image Manifest V2 Schema 2. All of them
/// are sent in every <c>Accept</c> header: distribution 2.8 answers <c>404 MANIFEST_UNKNOWN</c> to a request
/// for an OCI manifest or index whose <c>Accept</c> header does not list the OCI type. Docker schema 1 is
/// never accepted (its digest is over a re-serialised, JWS-signed form).
/// </remarks>
public static class ManifestMediaTypes
{
    /// <summary>OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>OCI image index.</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>Docker image manifest, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Docker manifest list (multi-platform).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>The OCI 1.1 release-candidate artifact manifest (written by early Notation and ORAS versions).</summary>
    public const string OciArtifactManifest = "application/vnd.oci.artifact.manifest.v1+json";

    /// <summary>The <c>Accept</c> header value for manifest requests.</summary>
    internal const string AcceptHeader =
        OciManifest + ", " + OciIndex + ", " + DockerManifest + ", " + DockerManifestList + ", " + OciArtifactManifest;

    /// <summary>Whether the media type is an index or manifest list (refers to other manifests).</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;
}
