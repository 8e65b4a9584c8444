using System.Text.Json;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>One entry of a metadata file's <c>signatures</c> (TUF §4.2; Notary's <c>data.Signature</c>).</summary>
/// <param name="KeyId">The <c>keyid</c> the signer claims.</param>
/// <param name="Method">The <c>method</c>, lower-cased as Notary does, e.g. <c>ecdsa</c>.</param>
/// <param name="Value">The decoded <c>sig</c>.</param>
internal sealed record TufSignature(string KeyId, string Method, byte[] Value)
{
    /// <summary>Reads a signature object.</summary>
    /// <exception cref="MalformedMetadataException">The object is malformed.</exception>
    public static TufSignature Read(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where} is not an object");
        }

        var keyId = MetadataReader.ReadString(MetadataReader.Required(element, "keyid", where), where + ".keyid");
        var method = element.TryGetProperty("method", out var methodElement)
            ? MetadataReader.ReadString(methodElement, where + ".method").ToLowerInvariant()
            : string.Empty;
        var value = MetadataReader.ReadBase64(MetadataReader.Required(element, "sig", where), where + ".sig");
        return new TufSignature(keyId, method, value);
    }
}
