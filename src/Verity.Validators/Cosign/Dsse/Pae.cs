using System.Globalization;
using System.Text;

namespace Verity.Validators.Cosign.Dsse;

/// <summary>
/// The DSSE pre-authentication encoding: the bytes a DSSE signature is computed over.
/// </summary>
/// <remarks>
/// DSSE protocol v1.0.0: <c>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, where
/// <c>LEN</c> is the byte length in ASCII decimal without leading zeros and <c>type</c> is UTF-8.
/// </remarks>
internal static class Pae
{
    /// <summary>Encodes <paramref name="payloadType"/> and <paramref name="payload"/>.</summary>
    public static byte[] Encode(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }
}
