namespace Verity.Validators.Notation.Envelope;

/// <summary>Reads an envelope by its media type: <c>application/jose+json</c> or <c>application/cose</c>.</summary>
public static class NotationEnvelopeReader
{
    /// <summary>Whether <paramref name="mediaType"/> is an envelope format Verity reads.</summary>
    public static bool IsEnvelopeType(string? mediaType) => mediaType is NotaryHeaders.JwsMediaType or NotaryHeaders.CoseMediaType;

    /// <summary>Parses <paramref name="bytes"/> as <paramref name="mediaType"/>; null with <paramref name="error"/> when it cannot be read.</summary>
    public static NotationEnvelope? TryRead(string mediaType, ReadOnlySpan<byte> bytes, out string? error)
    {
        switch (mediaType)
        {
            case NotaryHeaders.JwsMediaType:
                return JwsEnvelope.TryParse(bytes, out error);
            case NotaryHeaders.CoseMediaType:
                return CoseEnvelope.TryParse(bytes, out error);
            default:
                error = $"the envelope media type \"{mediaType}\" is not supported (supported: {NotaryHeaders.JwsMediaType}, {NotaryHeaders.CoseMediaType})";
                return null;
        }
    }
}
