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
        var header = new JsonObject
        {
            ["alg"] = rsa is not null ? "PS256" : "ES256",
            ["crit"] = crit,
            ["cty"] = PayloadType,
            ["io.cncf.notary.signingScheme"] = "notary.x509",
            ["io.cncf.notary.signingTime"] = (options.SigningTime ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        };
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
        var signature = rsa is not null
            ? rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            : ec!.SignData(input, HashAlgorithmName.SHA256);
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
            [CoseHeaderLabel.ContentType] = CoseHeaderValue.FromString(PayloadType),
            [new CoseHeaderLabel("io.cncf.notary.signingScheme")] = CoseHeaderValue.FromString("notary.x509"),
            [new CoseHeaderLabel("io.cncf.notary.signingTime")] = Time(options.SigningTime ?? DateTimeOffset.UtcNow),
        };
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
        var signer = rsa is not null
            ? new CoseSigner(rsa, RSASignaturePadding.Pss, HashAlgorithmName.SHA256, protectedHeaders, unprotectedHeaders)
            : new CoseSigner(ec!, HashAlgorithmName.SHA256, protectedHeaders, unprotectedHeaders);
        return CoseSign1Message.SignEmbedded(payload, signer);
    }

    private static CoseHeaderValue Time(DateTimeOffset time)
    {
        var writer = new CborWriter();
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteInt64(time.ToUnixTimeSeconds());
        return CoseHeaderValue.FromEncodedValue(writer.Encode());
    }
}
