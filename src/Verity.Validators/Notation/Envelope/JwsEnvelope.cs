using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Buffers.Text;

namespace Verity.Validators.Notation.Envelope;

/// <summary>
/// A JWS envelope in flattened JSON serialization (signature-envelope-jws.md): <c>payload</c>, <c>protected</c>
/// (base64url JSON), unprotected <c>header</c> (<c>x5c</c>, timestamp, signing agent) and <c>signature</c>; the
/// signing input is <c>ASCII(protected || '.' || payload)</c> as written.
/// </summary>
public sealed class JwsEnvelope : NotationEnvelope
{
    private static readonly string[] Algorithms = ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    private byte[] _signingInput = [];

    /// <inheritdoc/>
    public override string MediaType => NotaryHeaders.JwsMediaType;

    /// <summary>Parses <paramref name="bytes"/>; null with <paramref name="error"/> when it is not a JWS envelope.</summary>
    public static JwsEnvelope? TryParse(ReadOnlySpan<byte> bytes, out string? error)
    {
        try
        {
            return Parse(bytes, out error);
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException or InvalidOperationException or ArgumentException or OverflowException)
        {
            error = $"the JWS envelope cannot be read: {e.Message}";
            return null;
        }
    }

    /// <inheritdoc/>
    public override bool VerifySignature(AsymmetricAlgorithm key)
    {
        var hash = HashFor(Algorithm);
        return key switch
        {
            RSA rsa when Algorithm is ['P', 'S', ..] => rsa.VerifyData(_signingInput, SignatureValue.Span, hash, RSASignaturePadding.Pss),
            ECDsa ec when Algorithm is ['E', 'S', ..] => ec.VerifyData(_signingInput, SignatureValue.Span, hash),
            _ => false,
        };
    }

    private static HashAlgorithmName HashFor(string? algorithm) => algorithm?[2..] switch
    {
        "256" => HashAlgorithmName.SHA256,
        "384" => HashAlgorithmName.SHA384,
        "512" => HashAlgorithmName.SHA512,
        _ => throw new InvalidOperationException($"unsupported algorithm {algorithm}"),
    };

    private static JwsEnvelope? Parse(ReadOnlySpan<byte> bytes, out string? error)
    {
        using var doc = JsonDocument.Parse(bytes.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("signatures", out _))
        {
            error = "the JWS envelope is not in flattened JSON serialization";
            return null;
        }

        if (!TryString(root, "payload", out var payloadText) || !TryString(root, "protected", out var protectedText) || !TryString(root, "signature", out var signatureText))
        {
            error = "the JWS envelope lacks payload, protected or signature";
            return null;
        }

        var protectedJson = Base64Url.DecodeFromChars(protectedText);
        using var headerDoc = JsonDocument.Parse(protectedJson);
        var headers = headerDoc.RootElement;
        if (headers.ValueKind != JsonValueKind.Object)
        {
            error = "the JWS protected header is not a JSON object";
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in headers.EnumerateObject())
        {
            if (!names.Add(p.Name))
            {
                error = $"the JWS protected header repeats \"{p.Name}\"";
                return null;
            }
        }

        var crit = ImmutableArray.CreateBuilder<string>();
        if (headers.TryGetProperty("crit", out var critElement))
        {
            if (critElement.ValueKind != JsonValueKind.Array || critElement.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
            {
                error = "the JWS crit header is not a list of names";
                return null;
            }

            crit.AddRange(critElement.EnumerateArray().Select(c => c.GetString()!));
        }

        var alg = headers.TryGetProperty("alg", out var algElement) && algElement.ValueKind == JsonValueKind.String ? algElement.GetString()! : string.Empty;
        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        ReadOnlyMemory<byte>? timestamp = null;
        if (root.TryGetProperty("header", out var unprotected))
        {
            if (unprotected.TryGetProperty("x5c", out var x5c) && x5c.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in x5c.EnumerateArray())
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(c.GetString() ?? string.Empty)));
                }
            }

            if (unprotected.TryGetProperty(NotaryHeaders.TimestampSignature, out var ts) && ts.ValueKind == JsonValueKind.String)
            {
                timestamp = Convert.FromBase64String(ts.GetString()!);
            }
        }

        error = null;
        return new JwsEnvelope
        {
            Algorithm = Algorithms.Contains(alg, StringComparer.Ordinal) ? alg : null,
            AlgorithmText = alg,
            ContentType = StringHeader(headers, "cty"),
            Critical = crit.ToImmutable(),
            ProtectedNames = names,
            SigningScheme = StringHeader(headers, NotaryHeaders.SigningScheme),
            SigningTime = TimeHeader(headers, NotaryHeaders.SigningTime),
            AuthenticSigningTime = TimeHeader(headers, NotaryHeaders.AuthenticSigningTime),
            Expiry = TimeHeader(headers, NotaryHeaders.Expiry),
            Certificates = certificates.ToImmutable(),
            TimestampToken = timestamp,
            SignatureValue = Base64Url.DecodeFromChars(signatureText),
            Payload = Base64Url.DecodeFromChars(payloadText),
            _signingInput = Encoding.ASCII.GetBytes(protectedText + "." + payloadText),
        };
    }

    private static bool TryString(JsonElement e, string name, out string value)
    {
        value = e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
        return value.Length > 0;
    }

    private static string? StringHeader(JsonElement headers, string name) =>
        headers.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? TimeHeader(JsonElement headers, string name)
    {
        var text = StringHeader(headers, name);
        if (text is null)
        {
            return null;
        }

        // RFC 3339 as the specification requires; an unreadable time is a malformed envelope.
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    }
}
