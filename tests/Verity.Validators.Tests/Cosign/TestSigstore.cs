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
    public LoggedEntry Log(byte[] body, DateTimeOffset integrated, long logIndex = 1234, int index = 3, int treeSize = 5, ECDsa? checkpointKey = null, ECDsa? setKey = null)
    {
        var leaves = Enumerable.Range(0, treeSize).Select(i => i == index ? body : RandomNumberGenerator.GetBytes(40)).ToList();
        var root = ReferenceMerkle.Root(leaves);
        var proof = ReferenceMerkle.Path(index, leaves);
        var logId = SHA256.HashData(RekorKey.ExportSubjectPublicKeyInfo());

        // cosign bundle.RekorPayload in RFC 8785 form, written out by hand: keys sorted, no white space.
        var setPayload = string.Create(CultureInfo.InvariantCulture,
            $$"""{"body":"{{Convert.ToBase64String(body)}}","integratedTime":{{integrated.ToUnixTimeSeconds()}},"logID":"{{Convert.ToHexStringLower(logId)}}","logIndex":{{logIndex}}}""");
        var set = Sign(setKey ?? RekorKey, Encoding.UTF8.GetBytes(setPayload));

        var text = string.Create(CultureInfo.InvariantCulture, $"{RekorOrigin}\n{treeSize}\n{Convert.ToBase64String(root)}\nTimestamp: {integrated.ToUnixTimeMilliseconds() * 1_000_000}\n");
        var noteKey = checkpointKey ?? RekorKey;
        var hint = SHA256.HashData(noteKey.ExportSubjectPublicKeyInfo()).AsSpan(0, 4).ToArray();
        var noteSignature = Sign(noteKey, Encoding.UTF8.GetBytes(text));
        var checkpoint = $"{text}\n\u2014 rekor.verity.test {Convert.ToBase64String([.. hint, .. noteSignature])}\n";
        return new LoggedEntry(body, logId, logIndex, integrated.ToUnixTimeSeconds(), set, index, treeSize, root, proof.Select(p => p.ToArray()).ToArray(), checkpoint);
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
        var bundle = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = new JsonObject
            {
                ["certificate"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(leaf.RawData) },
                ["tlogEntries"] = new JsonArray(new JsonObject
                {
                    ["logIndex"] = entry.LogIndex.ToString(CultureInfo.InvariantCulture),
                    ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(entry.LogId) },
                    ["kindVersion"] = new JsonObject { ["kind"] = "hashedrekord", ["version"] = "0.0.1" },
                    ["integratedTime"] = entry.IntegratedTime.ToString(CultureInfo.InvariantCulture),
                    ["inclusionPromise"] = new JsonObject { ["signedEntryTimestamp"] = Convert.ToBase64String(entry.SignedEntryTimestamp) },
                    ["inclusionProof"] = new JsonObject
                    {
                        ["logIndex"] = entry.LeafIndex.ToString(CultureInfo.InvariantCulture),
                        ["rootHash"] = Convert.ToBase64String(entry.RootHash),
                        ["treeSize"] = entry.TreeSize.ToString(CultureInfo.InvariantCulture),
                        ["hashes"] = new JsonArray([.. entry.Proof.Select(h => (JsonNode)Convert.ToBase64String(h))]),
                        ["checkpoint"] = new JsonObject { ["envelope"] = entry.Checkpoint },
                    },
                    ["canonicalizedBody"] = Convert.ToBase64String(entry.Body),
                }),
            },
            ["messageSignature"] = new JsonObject
            {
                ["messageDigest"] = new JsonObject { ["algorithm"] = "SHA2_256", ["digest"] = Convert.ToBase64String(artifactSha256) },
                ["signature"] = Convert.ToBase64String(signature),
            },
        };
        return Encoding.UTF8.GetBytes(bundle.ToJsonString());
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
