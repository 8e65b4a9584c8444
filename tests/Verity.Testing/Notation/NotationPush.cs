using System.Text;
using System.Text.Json.Nodes;
using Verity.Testing.Registry;

namespace Verity.Testing.Notation;

/// <summary>
/// Writes images and Notary Project signatures into a <see cref="FakeRegistry"/> as notation lays them out: a
/// signature manifest (artifact type <c>application/vnd.cncf.notary.signature</c>, one envelope layer, a
/// <c>subject</c>) listed by the referrers API and in the <c>sha256-&lt;hex&gt;</c> referrers tag.
/// </summary>
public static class NotationPush
{
    /// <summary>The OCI image manifest media type.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>The signature artifact type.</summary>
    public const string SignatureType = "application/vnd.cncf.notary.signature";

    /// <summary>Pushes a small image tagged <paramref name="tag"/>; returns its descriptor (media type, digest, size).</summary>
    public static (string MediaType, string Digest, long Size) Image(FakeRegistry registry, string repository, string tag, string layerText)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var layer = Encoding.UTF8.GetBytes(layerText);
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", registry.PutBlob(repository, config), config.Length),
            ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar", registry.PutBlob(repository, layer), layer.Length)),
        }.ToJsonString());
        var digest = registry.PutManifest(repository, manifest, OciManifest, tag);
        return (OciManifest, digest, manifest.Length);
    }

    /// <summary>
    /// Pushes <paramref name="envelope"/> as a signature whose <c>subject</c> is <paramref name="subject"/>, listed
    /// in the referrers tag of <paramref name="listedUnder"/> (default: the subject). Returns the signature manifest's digest.
    /// </summary>
    /// <remarks><paramref name="padding"/> adds an annotation of that many characters to the signature manifest.</remarks>
    public static string Signature(FakeRegistry registry, string repository, string subject, byte[] envelope, string envelopeType = "application/jose+json", string? listedUnder = null, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(envelope);
        var empty = Encoding.UTF8.GetBytes("{}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["artifactType"] = SignatureType,
            ["config"] = Descriptor("application/vnd.oci.empty.v1+json", registry.PutBlob(repository, empty), empty.Length),
            ["layers"] = new JsonArray(Descriptor(envelopeType, registry.PutBlob(repository, envelope), envelope.Length)),
            ["subject"] = Descriptor(OciManifest, subject, 0),
            ["annotations"] = padding > 0 ? new JsonObject { ["org.example.padding"] = new string('x', padding) } : null,
        }.ToJsonString();
        var digest = registry.PutManifest(repository, manifest, OciManifest);
        var listing = (listedUnder ?? subject).Replace(':', '-');

        // The referrers tag lists every signature of the subject, as notation keeps it (read, then extended).
        var entries = new JsonArray();
        if (registry.TryGetManifest(repository, listing) is { } existing && JsonNode.Parse(existing)?["manifests"] is JsonArray listed)
        {
            foreach (var entry in listed)
            {
                entries.Add(entry?.DeepClone());
            }
        }

        entries.Add(new JsonObject
        {
            ["mediaType"] = OciManifest,
            ["digest"] = digest,
            ["size"] = Encoding.UTF8.GetByteCount(manifest),
            ["artifactType"] = SignatureType,
        });
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = entries,
        };
        registry.PutManifest(repository, index.ToJsonString(), "application/vnd.oci.image.index.v1+json", listing);
        return digest;
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };
}
