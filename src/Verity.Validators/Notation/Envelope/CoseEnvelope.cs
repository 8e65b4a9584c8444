using System.Collections.Immutable;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Notation.Envelope;

/// <summary>
/// A COSE_Sign1 envelope (signature-envelope-cose.md): protected <c>alg</c> (1), <c>crit</c> (2), content type (3)
/// and the Notary headers (times as CBOR tag 1), unprotected <c>x5chain</c> (33) and the timestamp; the payload is
/// embedded. The signature is checked with <see cref="CoseSign1Message.VerifyEmbedded(AsymmetricAlgorithm, ReadOnlySpan{byte})"/>.
/// </summary>
public sealed class CoseEnvelope : NotationEnvelope
{
    private static readonly CoseHeaderLabel X5Chain = new(33);

    private CoseSign1Message? _message;

    /// <inheritdoc/>
    public override string MediaType => NotaryHeaders.CoseMediaType;

    /// <summary>Parses <paramref name="bytes"/>; null with <paramref name="error"/> when it is not a COSE_Sign1 envelope.</summary>
    public static CoseEnvelope? TryParse(ReadOnlySpan<byte> bytes, out string? error)
    {
        try
        {
            return Parse(bytes, out error);
        }
        catch (Exception e) when (e is CryptographicException or CborContentException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            error = $"the COSE envelope cannot be read: {e.Message}";
            return null;
        }
    }

    /// <inheritdoc/>
    public override bool VerifySignature(AsymmetricAlgorithm key)
    {
        try
        {
            return _message!.VerifyEmbedded(key);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static CoseEnvelope? Parse(ReadOnlySpan<byte> bytes, out string? error)
    {
        var message = CoseMessage.DecodeSign1(bytes);
        if (message.Content is not { } content)
        {
            error = "the COSE envelope has a detached payload";
            return null;
        }

        var headers = message.ProtectedHeaders;
        var names = ProtectedLabels(message.RawProtectedHeaders);

        int? alg = headers.TryGetValue(CoseHeaderLabel.Algorithm, out var algValue) ? ReadInt(algValue) : null;
        var crit = ImmutableArray.CreateBuilder<string>();
        if (headers.TryGetValue(CoseHeaderLabel.CriticalHeaders, out var critValue))
        {
            var reader = new CborReader(critValue.EncodedValue);
            var count = reader.ReadStartArray();
            for (var i = 0; count is null || i < count; i++)
            {
                if (count is null && reader.PeekState() == CborReaderState.EndArray)
                {
                    break;
                }

                crit.Add(reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : reader.ReadInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        if (message.UnprotectedHeaders.TryGetValue(X5Chain, out var chain) || headers.TryGetValue(X5Chain, out chain))
        {
            var reader = new CborReader(chain.EncodedValue);
            if (reader.PeekState() == CborReaderState.ByteString)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadByteString()));
            }
            else
            {
                var count = reader.ReadStartArray() ?? throw new FormatException("x5chain has an indefinite length");
                for (var i = 0; i < count; i++)
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadByteString()));
                }
            }
        }

        // Typed as nullable memory on both branches: a null byte[] would become an empty, present token.
        ReadOnlyMemory<byte>? timestamp = message.UnprotectedHeaders.TryGetValue(new CoseHeaderLabel(NotaryHeaders.TimestampSignature), out var ts)
            ? new ReadOnlyMemory<byte>(ts.GetValueAsBytes())
            : null;

        error = null;
        return new CoseEnvelope
        {
            Algorithm = alg switch
            {
                -37 => "PS256",
                -38 => "PS384",
                -39 => "PS512",
                -7 => "ES256",
                -35 => "ES384",
                -36 => "ES512",
                _ => null,
            },
            AlgorithmText = alg?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)",
            ContentType = headers.TryGetValue(CoseHeaderLabel.ContentType, out var cty) && new CborReader(cty.EncodedValue).PeekState() == CborReaderState.TextString ? cty.GetValueAsString() : null,
            Critical = crit.ToImmutable(),
            ProtectedNames = names,
            SigningScheme = headers.TryGetValue(new CoseHeaderLabel(NotaryHeaders.SigningScheme), out var scheme) ? scheme.GetValueAsString() : null,
            SigningTime = Time(headers, NotaryHeaders.SigningTime),
            AuthenticSigningTime = Time(headers, NotaryHeaders.AuthenticSigningTime),
            Expiry = Time(headers, NotaryHeaders.Expiry),
            Certificates = certificates.ToImmutable(),
            TimestampToken = timestamp,
            SignatureValue = message.Signature,
            Payload = content,
            _message = message,
        };
    }

    private static HashSet<string> ProtectedLabels(ReadOnlyMemory<byte> raw)
    {
        // CoseHeaderLabel does not expose a text label, so the names are read from the encoded map.
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (raw.IsEmpty)
        {
            return names;
        }

        var reader = new CborReader(raw);
        var count = reader.ReadStartMap() ?? throw new FormatException("the protected header map has an indefinite length");
        for (var i = 0; i < count; i++)
        {
            var name = reader.PeekState() == CborReaderState.TextString
                ? reader.ReadTextString()
                : reader.ReadInt64() switch
                {
                    1 => "alg",
                    2 => "crit",
                    3 => "cty",
                    var n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            if (!names.Add(name))
            {
                throw new FormatException($"the protected header repeats {name}");
            }

            reader.SkipValue();
        }

        return names;
    }

    private static int ReadInt(CoseHeaderValue value) => new CborReader(value.EncodedValue).ReadInt32();

    private static DateTimeOffset? Time(CoseHeaderMap headers, string name)
    {
        if (!headers.TryGetValue(new CoseHeaderLabel(name), out var value))
        {
            return null;
        }

        // signature-envelope-cose.md: times are CBOR tag 1 (epoch-based date/time), as notation-core-go requires.
        var reader = new CborReader(value.EncodedValue);
        if (reader.PeekState() != CborReaderState.Tag || reader.PeekTag() != CborTag.UnixTimeSeconds)
        {
            throw new FormatException($"the header {name} is not a CBOR tag 1 time");
        }

        return reader.ReadUnixTimeSeconds();
    }
}
