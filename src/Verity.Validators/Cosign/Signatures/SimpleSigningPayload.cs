using System.Diagnostics.CodeAnalysis;
using Verity.Core.Images;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// The payload a cosign image signature signs: the "simple signing" format of containers/image
/// (docs/containers-signature.5.md), with type <c>cosign container image signature</c>.
/// </summary>
/// <remarks>
/// Read strictly, as that format requires of consumers: the top level may hold only <c>critical</c> and
/// <c>optional</c>; <c>critical</c> must hold exactly <c>identity</c>, <c>image</c> and <c>type</c>, and
/// each of those exactly its one field; an unknown field in <c>critical</c> makes the payload invalid.
/// <c>optional</c> (null or an object) is not interpreted. Duplicate keys are refused.
/// </remarks>
internal sealed record SimpleSigningPayload
{
    /// <summary>The <c>critical.type</c> of cosign image signatures.</summary>
    public const string CosignType = "cosign container image signature";

    /// <summary>The signed manifest digest (<c>critical.image.docker-manifest-digest</c>).</summary>
    public required Digest ImageDigest { get; init; }

    /// <summary>The repository the signer named (<c>critical.identity.docker-reference</c>); not a trust decision.</summary>
    public required string DockerReference { get; init; }

    /// <summary>Reads a payload.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> payload, [NotNullWhen(true)] out SimpleSigningPayload? result, [NotNullWhen(false)] out string? error)
    {
        return JsonInput.Try(() => Parse(payload), out result, out error);
    }

    private static SimpleSigningPayload Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonInput.Parse(payload, "the signature payload");
        var root = JsonInput.RequireObject(document.RootElement, "payload");
        JsonInput.OnlyKnown(root, "payload", "critical", "optional");
        if (root.TryGetProperty("optional", out var optional) && optional.ValueKind is not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Object))
        {
            throw new FormatException("payload.optional must be an object or null");
        }

        var critical = JsonInput.Object(root, "critical", "payload");
        JsonInput.OnlyKnown(critical, "payload.critical", "identity", "image", "type");
        var type = JsonInput.String(critical, "type", "payload.critical");
        if (type != CosignType)
        {
            throw new FormatException($"payload.critical.type is \"{type}\", not \"{CosignType}\"");
        }

        var identity = JsonInput.Object(critical, "identity", "payload.critical");
        JsonInput.OnlyKnown(identity, "payload.critical.identity", "docker-reference");
        var image = JsonInput.Object(critical, "image", "payload.critical");
        JsonInput.OnlyKnown(image, "payload.critical.image", "docker-manifest-digest");
        var digestText = JsonInput.String(image, "docker-manifest-digest", "payload.critical.image");
        if (!Digest.TryParse(digestText, out var digest, out var digestError))
        {
            throw new FormatException($"payload.critical.image.docker-manifest-digest: {digestError}");
        }

        return new SimpleSigningPayload
        {
            ImageDigest = digest,
            DockerReference = JsonInput.String(identity, "docker-reference", "payload.critical.identity"),
        };
    }
}
