using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>Reads PEM certificate lists as cosign writes them in annotations.</summary>
internal static class CertificatePem
{
    /// <summary>Every <c>CERTIFICATE</c> block of <paramref name="pem"/>; anything else but white space is refused.</summary>
    /// <exception cref="FormatException">The text is not a list of PEM certificates.</exception>
    public static ImmutableArray<X509Certificate2> ReadAll(string pem, string what, int max)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        var rest = pem.AsSpan();
        while (!rest.Trim().IsEmpty)
        {
            if (!PemEncoding.TryFind(rest, out var fields) || !rest[..fields.Location.Start].Trim().IsEmpty)
            {
                throw new FormatException($"{what} is not a list of PEM certificates");
            }

            if (!rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                throw new FormatException($"{what} holds a PEM \"{rest[fields.Label]}\" block, not a certificate");
            }

            if (certificates.Count == max)
            {
                throw new FormatException($"{what} holds more than {max} certificates");
            }

            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
            }
            catch (CryptographicException e)
            {
                throw new FormatException($"{what} holds a certificate that cannot be read: {e.Message}", e);
            }

            rest = rest[fields.Location.End..];
        }

        return certificates.ToImmutable();
    }
}
