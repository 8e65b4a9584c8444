using Verity.Validators.Cosign.Evidence;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Core.Images;
using Verity.Testing.Registry;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// Writes cosign signatures into a <see cref="FakeRegistry"/> the way cosign lays them out: a <c>sha256-&lt;hex&gt;.sig</c>
/// manifest with one simple-signing layer per signature, and Sigstore bundles as OCI 1.1 referrers (listed by the
/// referrers API and in the <c>sha256-&lt;hex&gt;</c> referrers tag).
/// </summary>
internal static class CosignPush
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>A layer signed by <paramref name="key"/> over the payload for <paramref name="image"/>.</summary>
    public static CosignSignatureLayer KeyLayer(ECDsa key, Digest image)
    {
        var payload = TestSigstore.Payload(image);
        return new CosignSignatureLayer(
            ImmutableDictionary<string, string>.Empty.Add(CosignSignatureLayer.SignatureAnnotation, Convert.ToBase64String(TestSigstore.Sign(key, payload))),
            payload,
            CosignSignatureLayer.SimpleSigningMediaType);
    }

    /// <summary>Pushes the signature manifest of <paramref name="image"/>; returns its digest.</summary>
    public static string Signatures(FakeRegistry registry, string repository, Digest image, params CosignSignatureLayer[] layers)
    {
        return registry.PutManifest(repository, SignatureManifest(registry, repository, layers), OciManifest, SignatureTag(image));
    }

    /// <summary>Pushes the blobs of a signature manifest and returns the manifest's JSON, untagged.</summary>
    public static string SignatureManifest(FakeRegistry registry, string repository, params CosignSignatureLayer[] layers)
    {
        var config = Encoding.UTF8.GetBytes("{}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", registry.PutBlob(repository, config), config.Length),
            ["layers"] = new JsonArray([.. layers.Select(layer =>
            {
                var descriptor = Descriptor(layer.MediaType!, registry.PutBlob(repository, layer.Payload.ToArray()), layer.Payload.Length);
                descriptor["annotations"] = new JsonObject([.. layer.Annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]);
                return (JsonNode)descriptor;
            })]),
        };
        return manifest.ToJsonString();
    }

    /// <summary>The cosign signature tag of <paramref name="image"/>.</summary>
    public static string SignatureTag(Digest image) => $"sha256-{image.Hex}.sig";

    /// <summary>
    /// Pushes <paramref name="bundle"/> as a referrer of <paramref name="subject"/> (artifact type <paramref name="artifactType"/>),
    /// and lists it in the referrers tag <c>sha256-&lt;hex&gt;</c> of <paramref name="listedUnder"/> (default: the subject).
    /// Returns the referrer manifest's digest.
    /// </summary>
    public static string Referrer(FakeRegistry registry, string repository, Digest subject, byte[] bundle, string artifactType = BundleType, Digest? listedUnder = null)
    {
        var empty = Encoding.UTF8.GetBytes("{}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["artifactType"] = artifactType,
            ["config"] = Descriptor("application/vnd.oci.empty.v1+json", registry.PutBlob(repository, empty), empty.Length),
            ["layers"] = new JsonArray(Descriptor(artifactType, registry.PutBlob(repository, bundle), bundle.Length)),
            ["subject"] = Descriptor(OciManifest, subject.ToString(), 0),
        }.ToJsonString();
        var digest = registry.PutManifest(repository, manifest, OciManifest);
        var listing = listedUnder ?? subject;
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciIndex,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = OciManifest,
                ["digest"] = digest,
                ["size"] = Encoding.UTF8.GetByteCount(manifest),
                ["artifactType"] = artifactType,
            }),
        };
        registry.PutManifest(repository, index.ToJsonString(), OciIndex, $"sha256-{listing.Hex}");
        return digest;
    }

    /// <summary>Pushes an image index over <paramref name="platforms"/> (<c>os/arch</c> → manifest digest); returns its digest.</summary>
    public static string Index(FakeRegistry registry, string repository, string tag, params (string Platform, string Digest, string? ReferenceType)[] platforms)
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciIndex,
            ["manifests"] = new JsonArray([.. platforms.Select(p =>
            {
                var descriptor = Descriptor(OciManifest, p.Digest, 400);
                var parts = p.Platform.Split('/');
                descriptor["platform"] = new JsonObject { ["os"] = parts[0], ["architecture"] = parts[1] };
                if (p.ReferenceType is not null)
                {
                    descriptor["annotations"] = new JsonObject { ["vnd.docker.reference.type"] = p.ReferenceType };
                }

                return (JsonNode)descriptor;
            })]),
        };
        return registry.PutManifest(repository, index.ToJsonString(), OciIndex, tag);
    }

    internal static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };
}
