using System.Collections.Immutable;
using System.Text.Json;
using Verity.Core.Images;
using Verity.Core.Json;

namespace Verity.Registry.Manifests;

/// <summary>Parses manifests, indexes and descriptors (OCI image specification; Docker schema 2).</summary>
/// <remarks>
/// Strict where it matters for security: the document must be a JSON object without duplicate keys,
/// <c>schemaVersion</c> must be 2, every descriptor must carry a valid digest and a non-negative size.
/// Unknown fields are ignored, as the specifications require.
/// </remarks>
internal static class ManifestParser
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    /// <summary>Parses a manifest whose digest has already been verified.</summary>
    /// <exception cref="FormatException">The bytes are not a valid manifest; the message says why.</exception>
    public static RegistryManifest Parse(ReadOnlyMemory<byte> content, Digest digest, string? contentType)
    {
        using (var document = ParseDocument(content))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("it is not a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var schemaVersion) || schemaVersion != 2)
            {
                throw new FormatException("its schemaVersion is not 2");
            }

            var mediaType = OptionalString(root, "mediaType") ?? StripParameters(contentType)
                ?? throw new FormatException("it has no mediaType and the response had no Content-Type");
            var manifests = DescriptorArray(root, "manifests");
            if (ManifestMediaTypes.IsIndex(mediaType) && !root.TryGetProperty("manifests", out _))
            {
                throw new FormatException($"it is an index ({mediaType}) without \"manifests\"");
            }

            var layers = DescriptorArray(root, "layers");
            if (layers.IsEmpty && mediaType == ManifestMediaTypes.OciArtifactManifest)
            {
                layers = DescriptorArray(root, "blobs");
            }

            return new RegistryManifest
            {
                Digest = digest,
                MediaType = mediaType,
                Content = content,
                ArtifactType = OptionalString(root, "artifactType"),
                Config = OptionalDescriptor(root, "config"),
                Layers = layers,
                Manifests = manifests,
                Subject = OptionalDescriptor(root, "subject"),
                Annotations = Annotations(root),
            };
        }
    }

    /// <summary>Parses the <c>manifests</c> of an OCI index (a referrers response).</summary>
    /// <exception cref="FormatException">The bytes are not a valid index.</exception>
    public static ImmutableArray<Descriptor> ParseIndexManifests(ReadOnlyMemory<byte> content)
    {
        using var document = ParseDocument(content);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("it is not a JSON object");
        }

        return DescriptorArray(document.RootElement, "manifests");
    }

    /// <summary>Parses strict JSON whose strings are all valid Unicode (JsonElement.GetString throws for the others).</summary>
    /// <exception cref="FormatException">The bytes are not such JSON.</exception>
    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> content)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"it is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-member check unescapes member names, and throws this for a lone UTF-16 surrogate.
            throw new FormatException("it has a member name that is not valid Unicode", e);
        }

        if (JsonUnicode.FindInvalidString(content.Span, ReaderOptions) is { } offset)
        {
            document.Dispose();
            throw new FormatException($"it has a string at byte {offset} that is not valid Unicode (not UTF-8, or a lone surrogate escape)");
        }

        return document;
    }

    /// <summary>Parses one descriptor object.</summary>
    /// <exception cref="FormatException">The descriptor is invalid.</exception>
    public static Descriptor ParseDescriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} is not an object");
        }

        var mediaType = OptionalString(element, "mediaType")
            ?? throw new FormatException($"{where} has no mediaType");
        var digestText = OptionalString(element, "digest")
            ?? throw new FormatException($"{where} has no digest");
        if (!Digest.TryParse(digestText, out var digest, out var error))
        {
            throw new FormatException($"{where}: {error}");
        }

        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw new FormatException($"{where} has no valid size");
        }

        Platform? platform = null;
        if (element.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var os = OptionalString(p, "os");
            var architecture = OptionalString(p, "architecture");
            if (os is not null && architecture is not null)
            {
                platform = new Platform { OperatingSystem = os, Architecture = architecture, Variant = OptionalString(p, "variant") };
            }
        }

        return new Descriptor
        {
            MediaType = mediaType,
            Digest = digest,
            Size = size,
            ArtifactType = OptionalString(element, "artifactType"),
            Annotations = Annotations(element),
            Platform = platform,
        };
    }

    private static ImmutableArray<Descriptor> DescriptorArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"\"{name}\" is not an array");
        }

        var builder = ImmutableArray.CreateBuilder<Descriptor>(array.GetArrayLength());
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            builder.Add(ParseDescriptor(item, $"{name}[{i}]"));
            i++;
        }

        return builder.MoveToImmutable();
    }

    private static Descriptor? OptionalDescriptor(JsonElement root, string name)
    {
        return root.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null
            ? ParseDescriptor(element, name)
            : null;
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"\"{name}\" is not a string");
    }

    private static ImmutableDictionary<string, string> Annotations(JsonElement element)
    {
        if (!element.TryGetProperty("annotations", out var annotations) || annotations.ValueKind == JsonValueKind.Null)
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        if (annotations.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"annotations\" is not an object");
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in annotations.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"annotation \"{property.Name}\" is not a string");
            }

            builder[property.Name] = property.Value.GetString()!;
        }

        return builder.ToImmutable();
    }

    private static string? StripParameters(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
    }
}
