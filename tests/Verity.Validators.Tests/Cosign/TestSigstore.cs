using Verity.Validators.Cosign.Evidence;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Verity.Core.Images;
using Verity.Core.Trust;
using Verity.Validators.Cosign.TrustedRoot;
using Verity.Validators.Tests.Cosign.Rekor;

namespace Verity.Validators.Tests.Cosign;

/// <summary>
/// A throwaway sigstore made at test time: a Fulcio root, a CT log, a Rekor log and signers, written out the way
/// cosign and the sigstore clients write them. Everything is built from the specifications, independently of the
/// code under test, so that attack tests can change one field at a time.
/// </summary>
internal sealed class TestSigstore : IDisposable
{
    public const string GitHubIssuer = "https://token.actions.githubusercontent.com";

    private readonly ECDsa _fulcioKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _ctKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private long _serial = 1;

    public TestSigstore()
    {
        var request = new CertificateRequest("CN=test fulcio, O=verity.test", _fulcioKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        FulcioRoot = request.CreateSelfSigned(Epoch.AddYears(-1), Epoch.AddYears(5));
    }

    /// <summary>The fixed "now" of a test: 2026-01-01.</summary>
    public static DateTimeOffset Epoch { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public X509Certificate2 FulcioRoot { get; }

    public ECDsa RekorKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The CT log key's SubjectPublicKeyInfo, for trusted roots written as JSON.</summary>
    public byte[] CtLogSpki => _ctKey.ExportSubjectPublicKeyInfo();

    public string RekorOrigin => "rekor.verity.test - 42";

    public TrustedMaterial Material => new(
        [new CertificateAuthority(FulcioRoot, [], ValidityPeriod.Unbounded, "https://fulcio.verity.test")],
        [TrustedMaterial.LogFromKey(VerificationKey.FromAsymmetricAlgorithm(RekorKey), "https://rekor.verity.test")],
        [TrustedMaterial.LogFromKey(VerificationKey.FromAsymmetricAlgorithm(_ctKey), "https://ct.verity.test")],
        []);

    public static byte[] Payload(Digest image, string reference = "registry.verity.test/app")
    {
        return Encoding.UTF8.GetBytes(
            $$"""{"critical":{"identity":{"docker-reference":"{{reference}}"},"image":{"docker-manifest-digest":"{{image}}"},"type":"cosign container image signature"},"optional":null}""");
    }

    public static Digest RandomImage() => Digest.Compute(RandomNumberGenerator.GetBytes(32));

    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public static string Pem(X509Certificate2 certificate) => PemEncoding.WriteString("CERTIFICATE", certificate.RawData);

    /// <summary>A Fulcio-style leaf for <paramref name="subject"/> (a URI or an email), valid for 10 minutes from <paramref name="notBefore"/>, with a P-256 key unless <paramref name="curve"/> says otherwise.</summary>
    public (X509Certificate2 Certificate, ECDsa Key) IssueLeaf(string subject, string issuer, DateTimeOffset notBefore, bool embedSct = true, ECCurve? curve = null)
    {
        var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        var san = new SubjectAlternativeNameBuilder();
        if (subject.Contains("://", StringComparison.Ordinal))
        {
            san.AddUri(new Uri(subject));
        }
        else
        {
            san.AddEmailAddress(subject);
        }

        request.CertificateExtensions.Add(san.Build(critical: true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(FulcioRoot, true, false));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.1", Encoding.UTF8.GetBytes(issuer), false));
        var v2 = new AsnWriter(AsnEncodingRules.DER);
        v2.WriteCharacterString(UniversalTagNumber.UTF8String, issuer);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.8", v2.Encode(), false));

        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        var notAfter = notBefore.AddMinutes(10);
        var generator = X509SignatureGenerator.CreateForECDsa(_fulcioKey);
        if (!embedSct)
        {
            return (request.Create(FulcioRoot.SubjectName, generator, notBefore, notAfter, serial), key);
        }

        // RFC 6962 §3.2: the SCT signs the TBSCertificate as it will be without the SCT extension itself.
        var precertificate = request.Create(FulcioRoot.SubjectName, generator, notBefore, notAfter, serial);
        var tbs = new AsnReader(precertificate.RawData, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        var issuerKeyHash = SHA256.HashData(FulcioRoot.PublicKey.ExportSubjectPublicKeyInfo());
        long timestamp = notBefore.ToUnixTimeMilliseconds();
        var signed = new List<byte> { 0, 0 };
        signed.AddRange(BigEndian((ulong)timestamp, 8));
        signed.AddRange([0, 1]);
        signed.AddRange(issuerKeyHash);
        signed.AddRange(BigEndian((ulong)tbs.Length, 3));
        signed.AddRange(tbs);
        signed.AddRange([0, 0]);
        var signature = Sign(_ctKey, [.. signed]);

        var sct = new List<byte> { 0 };
        sct.AddRange(SHA256.HashData(_ctKey.ExportSubjectPublicKeyInfo()));
        sct.AddRange(BigEndian((ulong)timestamp, 8));
        sct.AddRange([0, 0, 4, 3]);
        sct.AddRange(BigEndian((ulong)signature.Length, 2));
        sct.AddRange(signature);
        var list = new List<byte>();
        list.AddRange(BigEndian((ulong)(sct.Count + 2), 2));
        list.AddRange(BigEndian((ulong)sct.Count, 2));
        list.AddRange(sct);
        var octets = new AsnWriter(AsnEncodingRules.DER);
        octets.WriteOctetString([.. list]);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.11129.2.4.2", octets.Encode(), false));
        return (request.Create(FulcioRoot.SubjectName, generator, notBefore, notAfter, serial), key);
    }

    /// <summary>A hashedrekord 0.0.1 body for a signature over an artifact with this SHA-256.</summary>
    public static byte[] HashedRekordBody(ReadOnlySpan<byte> signature, string verifierPem, ReadOnlySpan<byte> artifactSha256)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "hashedrekord",
            ["spec"] = new JsonObject
            {
                ["data"] = new JsonObject { ["hash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(artifactSha256) } },
                ["signature"] = new JsonObject
                {
                    ["content"] = Convert.ToBase64String(signature),
                    ["publicKey"] = new JsonObject { ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(verifierPem)) },
                },
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>Logs <paramref name="body"/> at <paramref name="index"/> of a tree of <paramref name="treeSize"/> leaves.</summary>
    public LoggedEntry Log(byte[] body, DateTimeOffset integrated, long logIndex = 1234, int index = 3, int treeSize = 5, ECDsa? checkpointKey = null, ECDsa? setKey = null, string? origin = null)
    {
        var leaves = Enumerable.Range(0, treeSize).Select(i => i == index ? body : RandomNumberGenerator.GetBytes(40)).ToList();
        var root = ReferenceMerkle.Root(leaves);
        var proof = ReferenceMerkle.Path(index, leaves);
        var logId = SHA256.HashData(RekorKey.ExportSubjectPublicKeyInfo());

        // cosign bundle.RekorPayload in RFC 8785 form, written out by hand: keys sorted, no white space.
        var setPayload = string.Create(CultureInfo.InvariantCulture,
            $$"""{"body":"{{Convert.ToBase64String(body)}}","integratedTime":{{integrated.ToUnixTimeSeconds()}},"logID":"{{Convert.ToHexStringLower(logId)}}","logIndex":{{logIndex}}}""");
        var set = Sign(setKey ?? RekorKey, Encoding.UTF8.GetBytes(setPayload));

        // Rekor v1 names its checkpoints "<host> - <tree id>" and adds a timestamp line; a Rekor v2 (tiles) checkpoint's origin is the host.
        var text = origin is null
            ? string.Create(CultureInfo.InvariantCulture, $"{RekorOrigin}\n{treeSize}\n{Convert.ToBase64String(root)}\nTimestamp: {integrated.ToUnixTimeMilliseconds() * 1_000_000}\n")
            : string.Create(CultureInfo.InvariantCulture, $"{origin}\n{treeSize}\n{Convert.ToBase64String(root)}\n");
        var noteKey = checkpointKey ?? RekorKey;
        var hint = SHA256.HashData(noteKey.ExportSubjectPublicKeyInfo()).AsSpan(0, 4).ToArray();
        var noteSignature = Sign(noteKey, Encoding.UTF8.GetBytes(text));
        var checkpoint = $"{text}\n\u2014 {origin ?? "rekor.verity.test"} {Convert.ToBase64String([.. hint, .. noteSignature])}\n";
        return new LoggedEntry(body, logId, logIndex, integrated.ToUnixTimeSeconds(), set, index, treeSize, root, proof.Select(p => p.ToArray()).ToArray(), checkpoint);
    }

    /// <summary>A Rekor v2 <c>hashedrekord</c> 0.0.2 body (rekor-tiles <c>Entry</c> in protobuf JSON) for a signature over a digest.</summary>
    public static byte[] HashedRekordV2Body(ReadOnlySpan<byte> signature, X509Certificate2 certificate, ReadOnlySpan<byte> digest, string algorithm = "SHA2_256", string keyDetails = "PKIX_ECDSA_P256_SHA_256")
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.2",
            ["kind"] = "hashedrekord",
            ["spec"] = new JsonObject
            {
                ["hashedRekordV002"] = new JsonObject
                {
                    ["data"] = new JsonObject { ["algorithm"] = algorithm, ["digest"] = Convert.ToBase64String(digest) },
                    ["signature"] = new JsonObject
                    {
                        ["content"] = Convert.ToBase64String(signature),
                        ["verifier"] = new JsonObject
                        {
                            ["x509Certificate"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(certificate.RawData) },
                            ["keyDetails"] = keyDetails,
                        },
                    },
                },
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>A Rekor v2 <c>dsse</c> 0.0.2 body for a one-signature envelope.</summary>
    public static byte[] DsseV2Body(byte[] payload, ReadOnlySpan<byte> signature, X509Certificate2 certificate)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.2",
            ["kind"] = "dsse",
            ["spec"] = new JsonObject
            {
                ["dsseV002"] = new JsonObject
                {
                    ["payloadHash"] = new JsonObject { ["algorithm"] = "SHA2_256", ["digest"] = Convert.ToBase64String(SHA256.HashData(payload)) },
                    ["signatures"] = new JsonArray(new JsonObject
                    {
                        ["content"] = Convert.ToBase64String(signature),
                        ["verifier"] = new JsonObject
                        {
                            ["x509Certificate"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(certificate.RawData) },
                            ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256",
                        },
                    }),
                },
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>The trusted material with a timestamp authority added.</summary>
    public TrustedMaterial MaterialWith(X509Certificate2 timestampRoot)
    {
        var material = Material;
        return new TrustedMaterial(material.CertificateAuthorities, material.RekorLogs, material.CtLogs,
            [new TimestampAuthority(timestampRoot, [], null, ValidityPeriod.Unbounded, "https://tsa.verity.test")]);
    }

    /// <summary>The <c>dev.sigstore.cosign/bundle</c> annotation of a logged entry.</summary>
    public static string RekorBundleAnnotation(LoggedEntry entry)
    {
        var bundle = new JsonObject
        {
            ["SignedEntryTimestamp"] = Convert.ToBase64String(entry.SignedEntryTimestamp),
            ["Payload"] = new JsonObject
            {
                ["body"] = Convert.ToBase64String(entry.Body),
                ["integratedTime"] = entry.IntegratedTime,
                ["logIndex"] = entry.LogIndex,
                ["logID"] = Convert.ToHexStringLower(entry.LogId),
            },
        };
        return bundle.ToJsonString();
    }

    /// <summary>A v0.3 Sigstore bundle with a message signature, a certificate and one log entry (promise and proof).</summary>
    public static byte[] Bundle(X509Certificate2 leaf, ReadOnlySpan<byte> artifactSha256, ReadOnlySpan<byte> signature, LoggedEntry entry)
    {
        return BundleJson(leaf, MessageSignatureJson(artifactSha256, signature), [TlogEntryJson(entry)]);
    }

    /// <summary>A v0.3 Sigstore bundle: a certificate, log entries, RFC 3161 timestamps and the content (<see cref="MessageSignatureJson"/>
    /// or <see cref="DsseEnvelopeJson"/>).</summary>
    public static byte[] BundleJson(X509Certificate2 leaf, JsonObject content, IEnumerable<JsonObject> entries, IEnumerable<byte[]>? timestamps = null)
    {
        var material = new JsonObject
        {
            ["certificate"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(leaf.RawData) },
            ["tlogEntries"] = new JsonArray([.. entries]),
        };
        if (timestamps is not null)
        {
            material["timestampVerificationData"] = new JsonObject
            {
                ["rfc3161Timestamps"] = new JsonArray([.. timestamps.Select(t => (JsonNode)new JsonObject { ["signedTimestamp"] = Convert.ToBase64String(t) })]),
            };
        }

        var bundle = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = material,
            [content.ContainsKey("payloadType") ? "dsseEnvelope" : "messageSignature"] = content,
        };
        return Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }

    /// <summary>A bundle's <c>messageSignature</c>.</summary>
    public static JsonObject MessageSignatureJson(ReadOnlySpan<byte> artifactSha256, ReadOnlySpan<byte> signature) => new()
    {
        ["messageDigest"] = new JsonObject { ["algorithm"] = "SHA2_256", ["digest"] = Convert.ToBase64String(artifactSha256) },
        ["signature"] = Convert.ToBase64String(signature),
    };

    /// <summary>A bundle's <c>dsseEnvelope</c> with one signature.</summary>
    public static JsonObject DsseEnvelopeJson(string payloadType, byte[] payload, byte[] signature) => new()
    {
        ["payload"] = Convert.ToBase64String(payload),
        ["payloadType"] = payloadType,
        ["signatures"] = new JsonArray(new JsonObject { ["sig"] = Convert.ToBase64String(signature) }),
    };

    /// <summary>A bundle's <c>tlogEntries[]</c> item for a logged entry: an inclusion proof, and the promise unless <paramref name="promise"/> is false
    /// (Rekor v2 entries have none, nor an integrated time).</summary>
    public static JsonObject TlogEntryJson(LoggedEntry entry, string kind = "hashedrekord", string version = "0.0.1", bool promise = true)
    {
        var json = new JsonObject
        {
            ["logIndex"] = entry.LogIndex.ToString(CultureInfo.InvariantCulture),
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(entry.LogId) },
            ["kindVersion"] = new JsonObject { ["kind"] = kind, ["version"] = version },
        };
        if (promise)
        {
            json["integratedTime"] = entry.IntegratedTime.ToString(CultureInfo.InvariantCulture);
            json["inclusionPromise"] = new JsonObject { ["signedEntryTimestamp"] = Convert.ToBase64String(entry.SignedEntryTimestamp) };
        }

        json["inclusionProof"] = new JsonObject
        {
            ["logIndex"] = entry.LeafIndex.ToString(CultureInfo.InvariantCulture),
            ["rootHash"] = Convert.ToBase64String(entry.RootHash),
            ["treeSize"] = entry.TreeSize.ToString(CultureInfo.InvariantCulture),
            ["hashes"] = new JsonArray([.. entry.Proof.Select(h => (JsonNode)Convert.ToBase64String(h))]),
            ["checkpoint"] = new JsonObject { ["envelope"] = entry.Checkpoint },
        };
        json["canonicalizedBody"] = Convert.ToBase64String(entry.Body);
        return json;
    }

    /// <summary>An in-toto v1 statement about <paramref name="image"/>.</summary>
    public static byte[] Statement(Digest image, string predicateType)
    {
        var statement = new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v1",
            ["subject"] = new JsonArray(new JsonObject
            {
                ["name"] = "registry.verity.test/app",
                ["digest"] = new JsonObject { [image.Algorithm] = image.Hex },
            }),
            ["predicateType"] = predicateType,
            ["predicate"] = new JsonObject(),
        };
        return Encoding.UTF8.GetBytes(statement.ToJsonString());
    }

    /// <summary>DSSE v1 pre-authentication encoding, written out from the specification.</summary>
    public static byte[] Pae(string payloadType, byte[] payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        return [.. Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} ")), .. type,
            .. Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} ")), .. payload];
    }

    /// <summary>A dsse 0.0.1 body (Rekor v1) for a one-signature envelope.</summary>
    public static byte[] DsseBody(byte[] payload, byte[] signature, string verifierPem)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "dsse",
            ["spec"] = new JsonObject
            {
                ["payloadHash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(payload)) },
                ["signatures"] = new JsonArray(new JsonObject
                {
                    ["signature"] = Convert.ToBase64String(signature),
                    ["verifier"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(verifierPem)),
                }),
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>A keyless DSSE bundle (Rekor v1 dsse entry) of an in-toto statement about <paramref name="image"/>, as
    /// <c>cosign sign</c> (predicate <c>https://sigstore.dev/cosign/sign/v1</c>) and <c>cosign attest</c> make them.</summary>
    public byte[] KeylessAttestation(Digest image, string subject, string predicateType, DateTimeOffset? signedAt = null)
    {
        var at = signedAt ?? Epoch.AddMinutes(-30);
        var (leaf, key) = IssueLeaf(subject, GitHubIssuer, at.AddSeconds(-5));
        using (key)
        {
            var statement = Statement(image, predicateType);
            var signature = Sign(key, Pae("application/vnd.in-toto+json", statement));
            var entry = Log(DsseBody(statement, signature, Pem(leaf)), at);
            return BundleJson(leaf, DsseEnvelopeJson("application/vnd.in-toto+json", statement, signature), [TlogEntryJson(entry, "dsse", "0.0.1")]);
        }
    }

    /// <summary>A complete keyless cosign layer for <paramref name="image"/>: payload, signature, certificate, chain, Rekor bundle.</summary>
    public KeylessLayer KeylessLayer(Digest image, string subject, string issuer = GitHubIssuer, DateTimeOffset? signedAt = null, bool withBundle = true)
    {
        var at = signedAt ?? Epoch.AddMinutes(-30);
        var (leaf, key) = IssueLeaf(subject, issuer, at.AddSeconds(-5));
        using (key)
        {
            var payload = Payload(image);
            var signature = Sign(key, payload);
            var entry = Log(HashedRekordBody(signature, Pem(leaf), SHA256.HashData(payload)), at);
            var annotations = ImmutableDictionary.CreateBuilder<string, string>();
            annotations[CosignSignatureLayer.SignatureAnnotation] = Convert.ToBase64String(signature);
            annotations[CosignSignatureLayer.CertificateAnnotation] = Pem(leaf);
            annotations[CosignSignatureLayer.ChainAnnotation] = Pem(FulcioRoot);
            if (withBundle)
            {
                annotations[CosignSignatureLayer.BundleAnnotation] = RekorBundleAnnotation(entry);
            }

            return new KeylessLayer(new CosignSignatureLayer(annotations.ToImmutable(), payload), leaf, signature, payload, entry);
        }
    }

    public void Dispose()
    {
        _fulcioKey.Dispose();
        _ctKey.Dispose();
        RekorKey.Dispose();
        FulcioRoot.Dispose();
    }

    private static byte[] BigEndian(ulong value, int bytes)
    {
        var buffer = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        return buffer[(8 - bytes)..];
    }
}
