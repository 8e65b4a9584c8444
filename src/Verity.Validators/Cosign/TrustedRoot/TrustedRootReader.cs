using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Json;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// Reads the JSON form of a Sigstore <c>TrustedRoot</c> (protobuf-specs <c>dev.sigstore.trustroot.v1.TrustedRoot</c>,
/// media type <c>application/vnd.dev.sigstore.trustedroot+json;version=0.1</c>).
/// </summary>
/// <remarks>
/// Certificate chains are listed leaf (or intermediate) first and root last, as the specification requires.
/// For a timestamp authority, a first certificate that is not a CA is its signing certificate. Log public
/// keys must be PKIX (SubjectPublicKeyInfo) and their hash algorithm SHA2_256; each log key needs a
/// <c>validFor.start</c> (as sigstore-go requires). Unknown fields are ignored.
/// </remarks>
internal static class TrustedRootReader
{
    private const string MediaType01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

    /// <summary>Reads a document.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out TrustedMaterial? material, [NotNullWhen(false)] out string? error)
    {
        return JsonInput.Try(() => Read(json), out material, out error);
    }

    private static TrustedMaterial Read(ReadOnlyMemory<byte> json)
    {
        using var document = JsonInput.Parse(json, "the trusted root");
        var root = JsonInput.RequireObject(document.RootElement, "trustedRoot");
        var mediaType = JsonInput.String(root, "mediaType", "trustedRoot");
        if (mediaType != MediaType01)
        {
            throw new FormatException($"trustedRoot.mediaType \"{mediaType}\" is not supported (expected \"{MediaType01}\")");
        }

        return new TrustedMaterial(
            ReadEach(root, "certificateAuthorities", ReadCertificateAuthority),
            ReadEach(root, "tlogs", ReadLog),
            ReadEach(root, "ctlogs", ReadLog),
            ReadEach(root, "timestampAuthorities", ReadTimestampAuthority));
    }

    private static ImmutableArray<T> ReadEach<T>(JsonElement root, string name, Func<JsonElement, string, T> read)
    {
        var items = ImmutableArray.CreateBuilder<T>();
        int i = 0;
        foreach (var item in JsonInput.OptionalArray(root, name, "trustedRoot"))
        {
            var path = $"trustedRoot.{name}[{i++}]";
            items.Add(read(JsonInput.RequireObject(item, path), path));
        }

        return items.ToImmutable();
    }

    private static TransparencyLog ReadLog(JsonElement log, string path)
    {
        var hash = JsonInput.String(log, "hashAlgorithm", path);
        if (hash != "SHA2_256")
        {
            throw new FormatException($"{path}.hashAlgorithm \"{hash}\" is not supported (SHA2_256)");
        }

        var publicKey = JsonInput.Object(log, "publicKey", path);
        var raw = JsonInput.Base64(publicKey, "rawBytes", path + ".publicKey");
        if (!VerificationKey.TryFromSubjectPublicKeyInfo(raw, out var key, out var keyError))
        {
            throw new FormatException($"{path}.publicKey: {keyError}");
        }

        if (!JsonInput.TryObject(publicKey, "validFor", path + ".publicKey", out var validFor) || !validFor.TryGetProperty("start", out _))
        {
            throw new FormatException($"{path}.publicKey.validFor.start is missing");
        }

        var logId = JsonInput.Object(log, "logId", path);
        return new TransparencyLog
        {
            LogId = JsonInput.Base64(logId, "keyId", path + ".logId"),
            Key = key,
            Validity = ReadValidity(validFor, path + ".publicKey.validFor"),
            BaseUrl = JsonInput.OptionalString(log, "baseUrl", path),
        };
    }

    private static CertificateAuthority ReadCertificateAuthority(JsonElement authority, string path)
    {
        var chain = ReadChain(authority, path);
        return new CertificateAuthority(
            chain[^1],
            chain[..^1],
            JsonInput.TryObject(authority, "validFor", path, out var validFor) ? ReadValidity(validFor, path + ".validFor") : ValidityPeriod.Unbounded,
            JsonInput.OptionalString(authority, "uri", path));
    }

    private static TimestampAuthority ReadTimestampAuthority(JsonElement authority, string path)
    {
        var chain = ReadChain(authority, path);
        X509Certificate2? leaf = null;
        var intermediates = chain[..^1];
        if (chain.Length > 1 && !IsCa(chain[0]))
        {
            leaf = chain[0];
            intermediates = chain[1..^1];
        }

        return new TimestampAuthority(
            chain[^1],
            intermediates,
            leaf,
            JsonInput.TryObject(authority, "validFor", path, out var validFor) ? ReadValidity(validFor, path + ".validFor") : ValidityPeriod.Unbounded,
            JsonInput.OptionalString(authority, "uri", path));
    }

    private static ImmutableArray<X509Certificate2> ReadChain(JsonElement authority, string path)
    {
        var chain = JsonInput.Object(authority, "certChain", path);
        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        int i = 0;
        foreach (var certificate in JsonInput.Array(chain, "certificates", path + ".certChain").EnumerateArray())
        {
            var certificatePath = $"{path}.certChain.certificates[{i++}]";
            var der = JsonInput.Base64(JsonInput.RequireObject(certificate, certificatePath), "rawBytes", certificatePath);
            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (CryptographicException e)
            {
                throw new FormatException($"{certificatePath} is not a DER certificate: {e.Message}", e);
            }
        }

        return certificates.Count > 0 ? certificates.ToImmutable() : throw new FormatException($"{path}.certChain.certificates is empty");
    }

    private static ValidityPeriod ReadValidity(JsonElement validFor, string path)
    {
        return new ValidityPeriod(ReadTime(validFor, "start", path), ReadTime(validFor, "end", path));
    }

    private static DateTimeOffset? ReadTime(JsonElement parent, string name, string path)
    {
        var text = JsonInput.OptionalString(parent, name, path);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"{path}.{name} \"{text}\" is not an RFC 3339 time");
    }

    private static bool IsCa(X509Certificate2 certificate)
    {
        return certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
    }
}
