using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Verity.Testing.Notation;

/// <summary>
/// Makes Notary Project signature envelopes at test time, as notation writes them: JWS (flattened JSON) and
/// COSE_Sign1, scheme <c>notary.x509</c>, payload <c>{"targetArtifact": descriptor}</c>.
/// </summary>
public static class NotationSigner
{
    /// <summary>The payload content type.</summary>
    public const string PayloadType = "application/vnd.cncf.notary.payload.v1+json";

    /// <summary>The payload for a descriptor.</summary>
    public static byte[] Payload(string mediaType, string digest, long size) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["targetArtifact"] = new JsonObject { ["digest"] = digest, ["mediaType"] = mediaType, ["size"] = size },
    }.ToJsonString());

    /// <summary>A JWS envelope over <paramref name="payload"/> by <paramref name="leaf"/> (with its key), chain leaf first.</summary>
    public static byte[] Jws(byte[] payload, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain, NotationSignOptions? options = null)
    {
        options ??= new NotationSignOptions();
        using var rsa = leaf.GetRSAPrivateKey();
        using var ec = leaf.GetECDsaPrivateKey();
        var crit = new JsonArray("io.cncf.notary.signingScheme");
        var algorithm = options.Algorithm ?? (rsa is not null ? "PS256" : "ES256");
        var header = new JsonObject
        {
            ["alg"] = algorithm,
            ["crit"] = crit,
            ["cty"] = options.ContentType ?? PayloadType,
            ["io.cncf.notary.signingScheme"] = options.SigningScheme,
        };
        if (!options.OmitSigningTime)
        {
            header["io.cncf.notary.signingTime"] = (options.SigningTime ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (options.AuthenticSigningTime is { } authentic)
        {
            header["io.cncf.notary.authenticSigningTime"] = authentic.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            crit.Add("io.cncf.notary.authenticSigningTime");
        }

        if (options.Expiry is { } expiry)
        {
            header["io.cncf.notary.expiry"] = expiry.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            crit.Add("io.cncf.notary.expiry");
        }

        if (options.UnknownCritical is { } unknown)
        {
            header[unknown] = "1";
            crit.Add(unknown);
        }

        var protectedText = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var payloadText = Base64Url.EncodeToString(payload);
        var input = Encoding.ASCII.GetBytes(protectedText + "." + payloadText);
        var hash = HashOf(algorithm);
        var signature = rsa is not null
            ? rsa.SignData(input, hash, RSASignaturePadding.Pss)
            : ec!.SignData(input, hash);
        var unprotected = new JsonObject
        {
            ["x5c"] = new JsonArray([.. chain.Select(c => (JsonNode)Convert.ToBase64String(c.RawData))]),
            ["io.cncf.notary.signingAgent"] = "verity-tests",
        };
        if (options.Timestamp is { } stamp)
        {
            unprotected["io.cncf.notary.timestampSignature"] = Convert.ToBase64String(stamp(signature));
        }

        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["payload"] = payloadText,
            ["protected"] = protectedText,
            ["header"] = unprotected,
            ["signature"] = Base64Url.EncodeToString(signature),
        }.ToJsonString());
    }

    /// <summary>A COSE_Sign1 envelope over <paramref name="payload"/> by <paramref name="leaf"/> (with its key), chain leaf first.</summary>
    public static byte[] Cose(byte[] payload, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain, NotationSignOptions? options = null)
    {
        options ??= new NotationSignOptions();
        using var rsa = leaf.GetRSAPrivateKey();
        using var ec = leaf.GetECDsaPrivateKey();
        var critical = new List<string> { "io.cncf.notary.signingScheme" };
        var protectedHeaders = new CoseHeaderMap
        {
            [CoseHeaderLabel.ContentType] = CoseHeaderValue.FromString(options.ContentType ?? PayloadType),
            [new CoseHeaderLabel("io.cncf.notary.signingScheme")] = CoseHeaderValue.FromString(options.SigningScheme),
        };
        if (!options.OmitSigningTime)
        {
            protectedHeaders[new CoseHeaderLabel("io.cncf.notary.signingTime")] = Time(options.SigningTime ?? DateTimeOffset.UtcNow);
        }

        if (options.AuthenticSigningTime is { } authentic)
        {
            protectedHeaders[new CoseHeaderLabel("io.cncf.notary.authenticSigningTime")] = Time(authentic);
            critical.Add("io.cncf.notary.authenticSigningTime");
        }

        if (options.Expiry is { } expiry)
        {
            protectedHeaders[new CoseHeaderLabel("io.cncf.notary.expiry")] = Time(expiry);
            critical.Add("io.cncf.notary.expiry");
        }

        if (options.UnknownCritical is { } unknown)
        {
            protectedHeaders[new CoseHeaderLabel(unknown)] = CoseHeaderValue.FromString("1");
            critical.Add(unknown);
        }

        var crit = new CborWriter();
        crit.WriteStartArray(critical.Count);
        foreach (var name in critical)
        {
            crit.WriteTextString(name);
        }

        crit.WriteEndArray();
        protectedHeaders[CoseHeaderLabel.CriticalHeaders] = CoseHeaderValue.FromEncodedValue(crit.Encode());

        var x5chain = new CborWriter();
        x5chain.WriteStartArray(chain.Count);
        foreach (var cert in chain)
        {
            x5chain.WriteByteString(cert.RawData);
        }

        x5chain.WriteEndArray();
        var unprotectedHeaders = new CoseHeaderMap
        {
            [new CoseHeaderLabel(33)] = CoseHeaderValue.FromEncodedValue(x5chain.Encode()),
            [new CoseHeaderLabel("io.cncf.notary.signingAgent")] = CoseHeaderValue.FromString("verity-tests"),
        };
        var hash = HashOf(options.Algorithm ?? (rsa is not null ? "PS256" : "ES256"));
        var signer = rsa is not null
            ? new CoseSigner(rsa, RSASignaturePadding.Pss, hash, protectedHeaders, unprotectedHeaders)
            : new CoseSigner(ec!, hash, protectedHeaders, unprotectedHeaders);
        var envelope = CoseSign1Message.SignEmbedded(payload, signer);
        if (options.Timestamp is not { } stamp)
        {
            return envelope;
        }

        var message = CoseMessage.DecodeSign1(envelope);
        message.UnprotectedHeaders[new CoseHeaderLabel("io.cncf.notary.timestampSignature")] = CoseHeaderValue.FromBytes(stamp(message.Signature.ToArray()));
        return message.Encode();
    }

    private static HashAlgorithmName HashOf(string algorithm) => algorithm[2..] switch
    {
        "384" => HashAlgorithmName.SHA384,
        "512" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    private static CoseHeaderValue Time(DateTimeOffset time)
    {
        var writer = new CborWriter();
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteInt64(time.ToUnixTimeSeconds());
        return CoseHeaderValue.FromEncodedValue(writer.Encode());
    }
}
