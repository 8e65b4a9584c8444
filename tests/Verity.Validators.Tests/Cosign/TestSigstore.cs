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

    /// <summary>The X.509 extension of embedded SCTs (RFC 6962 §3.3).</summary>
    public const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    private readonly ECDsa _fulcioKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly AsymmetricAlgorithm _ctKey;
    private long _serial = 1;

    /// <summary>Creates a sigstore whose CT log signs with <paramref name="ctKey"/> (which it then owns), or with a new P-256 key.</summary>
    public TestSigstore(AsymmetricAlgorithm? ctKey = null)
    {
        _ctKey = ctKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
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

    /// <summary>The CT log's key (ECDSA P-256 unless the constructor was given another).</summary>
    public AsymmetricAlgorithm CtKey => _ctKey;

    /// <summary>The CT log's ID: SHA-256 of its key's SubjectPublicKeyInfo (RFC 6962 §3.2).</summary>
    public byte[] CtLogId => SHA256.HashData(_ctKey.ExportSubjectPublicKeyInfo());

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

    /// <summary>
    /// A Fulcio-style leaf for <paramref name="subject"/> (a URI or an email), valid for 10 minutes from <paramref name="notBefore"/>, with a P-256 key unless
    /// <paramref name="curve"/> says otherwise, and an SCT of the test CT log unless <paramref name="sct"/> plans another.
    /// </summary>
    public (X509Certificate2 Certificate, ECDsa Key) IssueLeaf(string subject, string issuer, DateTimeOffset notBefore, bool embedSct = true, ECCurve? curve = null, SctPlan? sct = null)
    {
        var plan = sct ?? new SctPlan();
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

        if (plan.CopiedFrom is { } other)
        {
            // The SCT list of another certificate, byte for byte: genuine SCTs, but over another precertificate.
            request.CertificateExtensions.Add(new X509Extension(new Oid(SctListOid), other.Extensions[SctListOid]!.RawData, false));
            return (request.Create(FulcioRoot.SubjectName, generator, notBefore, notAfter, serial), key);
        }

        // RFC 6962 §3.2: the SCT signs the TBSCertificate as it will be without the SCT extension itself.
        var precertificate = request.Create(FulcioRoot.SubjectName, generator, notBefore, notAfter, serial);
        var tbs = new AsnReader(precertificate.RawData, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        var issuerKeyHash = plan.IssuerKeyHash ?? SHA256.HashData(FulcioRoot.PublicKey.ExportSubjectPublicKeyInfo());
        long timestamp = notBefore.ToUnixTimeMilliseconds();
        var signed = new List<byte> { 0, 0 };
        signed.AddRange(BigEndian((ulong)timestamp, 8));
        signed.AddRange([0, 1]);
        signed.AddRange(issuerKeyHash);
        signed.AddRange(BigEndian((ulong)tbs.Length, 3));
        signed.AddRange(tbs);
        signed.AddRange([0, 0]);
        var signer = plan.SignedBy ?? _ctKey;
        var (signature, signatureAlgorithm) = SignSct(signer, [.. signed], plan);

        var entry = new List<byte> { 0 };
        entry.AddRange(plan.SignedBy is null || plan.NamesTestLog ? CtLogId : SHA256.HashData(signer.ExportSubjectPublicKeyInfo()));
        entry.AddRange(BigEndian((ulong)timestamp, 8));
        entry.AddRange([0, 0, plan.Hash == HashAlgorithmName.SHA384 ? (byte)5 : (byte)4, plan.SignatureAlgorithm ?? signatureAlgorithm]);
        entry.AddRange(BigEndian((ulong)signature.Length, 2));
        entry.AddRange(signature);
        var list = new List<byte>();
        list.AddRange(BigEndian((ulong)(entry.Count + 2), 2));
        list.AddRange(BigEndian((ulong)entry.Count, 2));
        list.AddRange(entry);
        var octets = new AsnWriter(AsnEncodingRules.DER);
        octets.WriteOctetString([.. list]);
        request.CertificateExtensions.Add(new X509Extension(new Oid(SctListOid), octets.Encode(), false));
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

    /// <summary>
    /// An intoto 0.0.2 body as Rekor canonicalizes it (<c>pkg/types/intoto/v0.0.2</c>): the envelope's payload type and its
    /// signature (base64 of the base64 text) with the signer's PEM, the SHA-256 of the payload and of the envelope's JSON.
    /// </summary>
    public static byte[] IntotoV002Body(byte[] envelopeJson, string payloadType, byte[] payload, byte[] signature, string verifierPem)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.2",
            ["kind"] = "intoto",
            ["spec"] = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["envelope"] = new JsonObject
                    {
                        ["payloadType"] = payloadType,
                        ["signatures"] = new JsonArray(new JsonObject
                        {
                            ["publicKey"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(verifierPem)),
                            ["sig"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToBase64String(signature))),
                        }),
                    },
                    ["hash"] = Sha256Json(envelopeJson),
                    ["payloadHash"] = Sha256Json(payload),
                },
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>
    /// An intoto 0.0.1 body as Rekor canonicalizes it (<c>pkg/types/intoto/v0.0.1</c>): the signer's PEM and the SHA-256 of
    /// the envelope's JSON and of its payload; no signature.
    /// </summary>
    public static byte[] IntotoV001Body(byte[] envelopeJson, byte[] payload, string verifierPem)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "intoto",
            ["spec"] = new JsonObject
            {
                ["content"] = new JsonObject { ["hash"] = Sha256Json(envelopeJson), ["payloadHash"] = Sha256Json(payload) },
                ["publicKey"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(verifierPem)),
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>A DSSE envelope's JSON as <c>cosign attest</c> writes it into an <c>.att</c> layer: one signature, an empty key ID.</summary>
    public static byte[] EnvelopeJson(string payloadType, byte[] payload, byte[] signature)
    {
        var envelope = DsseEnvelopeJson(payloadType, payload, signature);
        ((JsonObject)envelope["signatures"]![0]!)["keyid"] = string.Empty;
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    /// <summary>An <c>.att</c> layer as <c>cosign attest</c> pushes it: the envelope as blob, the certificate, chain and Rekor bundle as annotations.</summary>
    public CosignSignatureLayer AttestationLayer(byte[] envelopeJson, X509Certificate2 leaf, LoggedEntry? entry, string predicateType)
    {
        var annotations = ImmutableDictionary.CreateBuilder<string, string>();
        annotations[CosignSignatureLayer.SignatureAnnotation] = string.Empty;
        annotations[CosignSignatureLayer.CertificateAnnotation] = Pem(leaf);
        annotations[CosignSignatureLayer.ChainAnnotation] = Pem(FulcioRoot);
        annotations["predicateType"] = predicateType;
        if (entry is not null)
        {
            annotations[CosignSignatureLayer.BundleAnnotation] = RekorBundleAnnotation(entry);
        }

        return new CosignSignatureLayer(annotations.ToImmutable(), envelopeJson, CosignSignatureLayer.DsseMediaType);
    }

    /// <summary>
    /// A complete keyless <c>.att</c> layer for <paramref name="image"/>: an in-toto statement of <paramref name="predicateType"/> in a DSSE
    /// envelope signed under a Fulcio certificate for <paramref name="subject"/>, logged as an intoto entry of <paramref name="intotoVersion"/>.
    /// </summary>
    public CosignSignatureLayer KeylessAttestationLayer(Digest image, string subject, string predicateType, string intotoVersion, string issuer = GitHubIssuer)
    {
        var at = Epoch.AddMinutes(-30);
        var (leaf, key) = IssueLeaf(subject, issuer, at.AddSeconds(-5));
        using (key)
        {
            var statement = Statement(image, predicateType);
            var signature = Sign(key, Pae("application/vnd.in-toto+json", statement));
            var envelope = EnvelopeJson("application/vnd.in-toto+json", statement, signature);
            var body = intotoVersion == "0.0.1"
                ? IntotoV001Body(envelope, statement, Pem(leaf))
                : IntotoV002Body(envelope, "application/vnd.in-toto+json", statement, signature, Pem(leaf));
            return AttestationLayer(envelope, leaf, Log(body, at), predicateType);
        }
    }

    /// <summary>
    /// This sigstore as a Sigstore <c>TrustedRoot</c> document: the Fulcio root, the Rekor log and the CT log, whose key is written as
    /// <paramref name="ctKeyDetails"/> says (<c>PKCS1_*</c>: a PKCS#1 RSAPublicKey, otherwise a SubjectPublicKeyInfo).
    /// </summary>
    public byte[] TrustedRootJson(string ctKeyDetails)
    {
        static JsonObject Log(string url, byte[] rawBytes, string details, byte[] logId) => new()
        {
            ["baseUrl"] = url,
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject
            {
                ["rawBytes"] = Convert.ToBase64String(rawBytes),
                ["keyDetails"] = details,
                ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
            },
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(logId) },
        };

        var ctKey = ctKeyDetails.StartsWith("PKCS1_", StringComparison.Ordinal) ? ((RSA)_ctKey).ExportRSAPublicKey() : _ctKey.ExportSubjectPublicKeyInfo();
        var root = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            ["tlogs"] = new JsonArray(Log("https://rekor.verity.test", RekorKey.ExportSubjectPublicKeyInfo(), "PKIX_ECDSA_P256_SHA_256", SHA256.HashData(RekorKey.ExportSubjectPublicKeyInfo()))),
            ["certificateAuthorities"] = new JsonArray(new JsonObject
            {
                ["uri"] = "https://fulcio.verity.test",
                ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = Convert.ToBase64String(FulcioRoot.RawData) }) },
                ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
            }),
            ["ctlogs"] = new JsonArray(Log("https://ct.verity.test", ctKey, ctKeyDetails, CtLogId)),
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
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
    public KeylessLayer KeylessLayer(Digest image, string subject, string issuer = GitHubIssuer, DateTimeOffset? signedAt = null, bool withBundle = true, SctPlan? sct = null)
    {
        var at = signedAt ?? Epoch.AddMinutes(-30);
        var (leaf, key) = IssueLeaf(subject, issuer, at.AddSeconds(-5), sct: sct);
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

    /// <summary>A TLS <c>digitally-signed</c> signature (RFC 5246 §4.7) and its SignatureAlgorithm: ECDSA (3) as DER, RSA (1) PKCS#1 v1.5 unless the plan says otherwise.</summary>
    private static (byte[] Signature, byte Algorithm) SignSct(AsymmetricAlgorithm key, byte[] data, SctPlan plan) => key switch
    {
        ECDsa ecdsa => (ecdsa.SignData(data, plan.Hash, DSASignatureFormat.Rfc3279DerSequence), 3),
        RSA rsa => (rsa.SignData(data, plan.Hash, plan.RsaPadding ?? RSASignaturePadding.Pkcs1), 1),
        _ => throw new ArgumentException($"a CT log cannot sign with {key.GetType().Name}", nameof(key)),
    };

    private static JsonObject Sha256Json(byte[] data) => new() { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(data)) };

    private static byte[] BigEndian(ulong value, int bytes)
    {
        var buffer = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        return buffer[(8 - bytes)..];
    }
}
