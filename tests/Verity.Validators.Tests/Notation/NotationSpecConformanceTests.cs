using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using Verity.Core.Trust;
using Verity.Testing.Notation;
using Verity.Validators.Notation.Envelope;
using Verity.Validators.Notation.Verification;

namespace Verity.Validators.Tests.Notation;

/// <summary>
/// The Notary Project signature specification's certificate, algorithm, header and timestamp requirements, and the
/// trust-policy levels, replayed as attacks on <see cref="NotationSignatureVerifier"/>; cases follow notation-core-go's
/// <c>x509</c>, <c>signature/jws</c> and <c>signature/cose</c> tests and notation-go's verifier tests, re-created with
/// the test CA, signer and TSA.
/// </summary>
public sealed class NotationSpecConformanceTests : IDisposable
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string Image = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string TimeStamping = "1.3.6.1.5.5.7.3.8";

    private readonly NotationTestCa _ca = NotationTestCa.Create("Acme");
    private readonly TestTimestampAuthority _tsa = new();
    private readonly NotationSignatureVerifier _verifier = new(TimeProvider.System);

    private static byte[] Payload => NotationSigner.Payload(ManifestType, Image, 1234);

    public void Dispose()
    {
        _ca.Dispose();
        _tsa.Dispose();
    }

    // --- certificate requirements (signature-specification.md, "Certificate Requirements") ---

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_LeafWithServerAuthBesideCodeSigning_IsDenied(string format)
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { Ekus = [NotationLeafOptions.CodeSigning, ServerAuth] });

        Assert.Equal(
            "the signing certificate \"CN=signer\" has the extended key usage serverAuth, which a code-signing certificate must not have",
            Verify(Sign(format, leaf)).IntegrityFailure);
    }

    [Theory]
    [InlineData("1.3.6.1.5.5.7.3.2", "clientAuth")]
    [InlineData("1.3.6.1.5.5.7.3.4", "emailProtection")]
    [InlineData(TimeStamping, "timeStamping")]
    [InlineData("1.3.6.1.5.5.7.3.9", "OCSPSigning")]
    [InlineData("2.5.29.37.0", "anyExtendedKeyUsage")]
    public void Verify_LeafWithAForbiddenExtendedKeyUsage_IsDenied(string oid, string name)
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { Ekus = [NotationLeafOptions.CodeSigning, oid] });

        Assert.Equal(
            $"the signing certificate \"CN=signer\" has the extended key usage {name}, which a code-signing certificate must not have",
            Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Theory]
    [InlineData(X509KeyUsageFlags.KeyEncipherment, "keyEncipherment")]
    [InlineData(X509KeyUsageFlags.DataEncipherment, "dataEncipherment")]
    [InlineData(X509KeyUsageFlags.KeyAgreement, "keyAgreement")]
    [InlineData(X509KeyUsageFlags.KeyCertSign, "keyCertSign")]
    [InlineData(X509KeyUsageFlags.CrlSign, "cRLSign")]
    public void Verify_LeafWithAKeyUsageBesideDigitalSignature_IsDenied(X509KeyUsageFlags extra, string name)
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { KeyUsage = X509KeyUsageFlags.DigitalSignature | extra });

        Assert.Equal(
            $"the signing certificate \"CN=signer\" has the key usage {name}; a code-signing certificate may have digitalSignature only",
            Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Fact]
    public void Verify_LeafWithoutDigitalSignatureKeyUsage_IsDenied()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { KeyUsage = X509KeyUsageFlags.NonRepudiation });

        Assert.Equal("the signing certificate \"CN=signer\" lacks the digitalSignature key usage", Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Fact]
    public void Verify_LeafWithoutKeyUsage_IsDenied()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { KeyUsage = null });

        Assert.Equal("the signing certificate \"CN=signer\" has no key usage extension", Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Fact]
    public void Verify_LeafWithNonCriticalKeyUsage_IsDenied()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { KeyUsageCritical = false });

        Assert.Equal("the certificate \"CN=signer\" has a key usage extension that is not critical", Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Fact]
    public void Verify_LeafThatIsACa_IsDenied()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { CertificateAuthority = true });

        Assert.Equal("the signing certificate \"CN=signer\" is a CA certificate", Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Fact]
    public void Verify_LeafWithoutBasicConstraintsOrExtendedKeyUsage_SatisfiesTheTrustRoot()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { CertificateAuthority = null, Ekus = null });

        Assert.Equal(["acme"], Verify(Sign("jws", leaf)).SatisfiedRoots);
    }

    [Fact]
    public void Verify_ThroughAnIntermediate_SatisfiesTheTrustRoot()
    {
        using var intermediate = _ca.Intermediate();
        using var leaf = intermediate.Leaf();

        Assert.Equal(["acme"], Verify(("application/jose+json", NotationSigner.Jws(Payload, leaf, [leaf, .. intermediate.Chain]))).SatisfiedRoots);
    }

    [Fact]
    public void Verify_IntermediateWithoutKeyUsage_IsDenied()
    {
        using var intermediate = _ca.Intermediate(keyUsage: false);
        using var leaf = intermediate.Leaf();

        var verdict = Verify(("application/jose+json", NotationSigner.Jws(Payload, leaf, [leaf, .. intermediate.Chain])));

        Assert.Equal("the CA certificate \"CN=Acme intermediate\" has no key usage extension", verdict.IntegrityFailure);
    }

    [Fact]
    public void Verify_IntermediateThatIsNoCa_IsDenied()
    {
        using var intermediate = _ca.Intermediate(certificateAuthority: false);
        using var leaf = intermediate.Leaf();

        var verdict = Verify(("application/jose+json", NotationSigner.Jws(Payload, leaf, [leaf, .. intermediate.Chain])));

        Assert.Equal("the certificate \"CN=Acme intermediate\" signs \"CN=signer\" but is not a CA certificate", verdict.IntegrityFailure);
    }

    [Fact]
    public void Verify_ChainWithAnUnrelatedCertificate_IsDenied()
    {
        using var other = NotationTestCa.Create("Other");
        using var leaf = _ca.Leaf();

        var verdict = Verify(("application/jose+json", NotationSigner.Jws(Payload, leaf, [leaf, other.Root, _ca.Root])));

        Assert.NotNull(verdict.IntegrityFailure);
        Assert.Empty(verdict.SatisfiedRoots);
    }

    [Fact]
    public void Verify_LeafSignedWithSha1_IsDenied()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { IssuerHash = HashAlgorithmName.SHA1 });

        Assert.Equal("the certificate \"CN=signer\" is signed with SHA-1 (sha1RSA), which is not allowed", Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Fact]
    public void Verify_SelfSignedLeafAlone_SatisfiesATrustRootOfThatCertificate()
    {
        // The shape of notation's own test certificates ("notation cert generate-test") and Connaisseur's fixture.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=self", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(NotationLeafOptions.CodeSigning)], false));
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var root = new CertificateTrustRoot("self", new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(self.RawData)), null);

        var verdict = VerifyWith(("application/jose+json", NotationSigner.Jws(Payload, self, [self])), [root]);

        Assert.Equal(["self"], verdict.SatisfiedRoots);
    }

    // --- algorithms (signature-specification.md, "Signature Algorithm Requirements", "Algorithm Selection") ---

    [Theory]
    [InlineData("jws", 3072, "PS384")]
    [InlineData("jws", 4096, "PS512")]
    [InlineData("cose", 3072, "PS384")]
    [InlineData("cose", 4096, "PS512")]
    public void Verify_RsaKeyWithItsAlgorithm_SatisfiesTheTrustRoot(string format, int bits, string algorithm)
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { RsaBits = bits });

        Assert.Equal(["acme"], Verify(Sign(format, leaf, new NotationSignOptions { Algorithm = algorithm })).SatisfiedRoots);
    }

    [Theory]
    [InlineData("jws", "nistP384", "ES384")]
    [InlineData("jws", "nistP521", "ES512")]
    [InlineData("cose", "nistP384", "ES384")]
    [InlineData("cose", "nistP521", "ES512")]
    public void Verify_EcKeyWithItsAlgorithm_SatisfiesTheTrustRoot(string format, string curve, string algorithm)
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { Curve = ECCurve.CreateFromFriendlyName(curve) });

        Assert.Equal(["acme"], Verify(Sign(format, leaf, new NotationSignOptions { Algorithm = algorithm })).SatisfiedRoots);
    }

    [Fact]
    public void Verify_RsaKeyOf1024Bits_IsDenied()
    {
        using var leaf = _ca.Leaf(new NotationLeafOptions { RsaBits = 1024 });

        Assert.Equal("the signing certificate's RSA key has 1024 bits; supported: 2048, 3072 and 4096", Verify(Sign("jws", leaf)).IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_AlgorithmNotTheOneTheKeyDetermines_IsDenied(string format)
    {
        // Algorithm Selection: a 2048-bit RSA key signs with PS256; notation-core-go refuses any other (validateCertificateChain).
        using var leaf = _ca.Leaf();

        Assert.Equal(
            "the signature algorithm PS512 is not the one the signing certificate's key determines (PS256)",
            Verify(Sign(format, leaf, new NotationSignOptions { Algorithm = "PS512" })).IntegrityFailure);
    }

    // --- signed attributes (signature-specification.md, "Signed Attributes"; notation-core-go validateProtectedHeaders) ---

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_SigningAuthoritySchemeUnderACaTrustRoot_IsDenied(string format)
    {
        // A key whose certificate expired signs today and claims an "authentic" signing time inside its validity:
        // only a signing authority's trust store may vouch for that time (trust-store types ca / signingAuthority).
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = Sign(format, leaf, new NotationSignOptions
        {
            SigningScheme = "notary.x509.signingAuthority",
            OmitSigningTime = true,
            AuthenticSigningTime = now.AddDays(-15),
        });

        var verdict = Verify(envelope);

        Assert.Null(verdict.IntegrityFailure);
        Assert.Equal(
            "trust root \"acme\" is a CA trust store; signing scheme notary.x509.signingAuthority needs a signing-authority trust store, which Verity does not support",
            verdict.Roots["acme"]);
        Assert.Empty(verdict.SatisfiedRoots);
        Assert.Empty(Verify(envelope, NotationVerificationLevel.Permissive).SatisfiedRoots);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_X509SchemeWithAnAuthenticSigningTime_IsDenied(string format)
    {
        using var leaf = _ca.Leaf();
        var envelope = Sign(format, leaf, new NotationSignOptions { AuthenticSigningTime = DateTimeOffset.UtcNow });

        Assert.Equal("the signing scheme notary.x509 must not have an authentic signing time", Verify(envelope).IntegrityFailure);
    }

    [Fact]
    public void Verify_SigningAuthoritySchemeWithASigningTime_IsDenied()
    {
        using var leaf = _ca.Leaf();
        var envelope = Sign("jws", leaf, new NotationSignOptions { SigningScheme = "notary.x509.signingAuthority", AuthenticSigningTime = DateTimeOffset.UtcNow });

        Assert.Equal("the signing scheme notary.x509.signingAuthority must not have a (claimed) signing time", Verify(envelope).IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_ExpiryBeforeTheSigningTime_IsDenied(string format)
    {
        using var leaf = _ca.Leaf();
        var now = DateTimeOffset.UtcNow;
        var envelope = Sign(format, leaf, new NotationSignOptions { SigningTime = now, Expiry = now.AddHours(-1) });

        Assert.Equal("the signature's expiry is not after its signing time", Verify(envelope).IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_NoSigningTime_IsDenied(string format)
    {
        using var leaf = _ca.Leaf();

        Assert.Equal("the signature has no signing time", Verify(Sign(format, leaf, new NotationSignOptions { OmitSigningTime = true })).IntegrityFailure);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_OtherPayloadContentType_IsDenied(string format)
    {
        using var leaf = _ca.Leaf();

        Assert.StartsWith(
            "the payload content type \"application/json\" is not",
            Verify(Sign(format, leaf, new NotationSignOptions { ContentType = "application/json" })).IntegrityFailure,
            StringComparison.Ordinal);
    }

    // --- timestamps (trust-store-trust-policy.md, "Timestamp Countersignature Verification details") ---

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_TsCertConfiguredButNoTimestamp_Strict_IsDenied(string format)
    {
        using var leaf = _ca.Leaf();
        var envelope = Sign(format, leaf);

        var strict = Verify(envelope, root: WithTsa(_tsa));
        var permissive = Verify(envelope, NotationVerificationLevel.Permissive, WithTsa(_tsa));
        var afterExpiry = Verify(envelope, root: WithTsa(_tsa), policy: NotationTimestampPolicy.AfterCertExpiry);

        Assert.Equal("the signature has no timestamp countersignature, and trust root \"acme\" has a tsCert (verifyTimestamp: always)", strict.Roots["acme"]);
        Assert.Equal(["acme"], permissive.SatisfiedRoots);
        Assert.Contains(permissive.Logged, l => l.StartsWith("the signature has no timestamp countersignature", StringComparison.Ordinal));
        Assert.Equal(["acme"], afterExpiry.SatisfiedRoots);
    }

    [Theory]
    [InlineData("jws")]
    [InlineData("cose")]
    public void Verify_ExpiredLeafTimestampedWhileValid_SatisfiesTheTrustRoot(string format)
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = Sign(format, leaf, new NotationSignOptions { SigningTime = now.AddDays(-15), Timestamp = s => _tsa.Stamp(s, now.AddDays(-15)) });

        Assert.Equal(["acme"], Verify(envelope, root: WithTsa(_tsa), policy: NotationTimestampPolicy.AfterCertExpiry).SatisfiedRoots);
    }

    [Fact]
    public void Verify_TimestampByATsaWithoutTimeStampingEku_IsDenied()
    {
        using var tsa = new TestTimestampAuthority(omitEku: true);

        Assert.Equal(
            "the timestamp authority \"CN=Test TSA\" must have the extended key usage timeStamping only, marked critical",
            VerifyTimestamped(tsa).Roots["acme"]);
    }

    [Fact]
    public void Verify_TimestampByATsaWithNonCriticalEku_IsDenied()
    {
        using var tsa = new TestTimestampAuthority(ekuCritical: false);

        Assert.Equal(
            "the timestamp authority \"CN=Test TSA\" must have the extended key usage timeStamping only, marked critical",
            VerifyTimestamped(tsa).Roots["acme"]);
    }

    [Fact]
    public void Verify_TimestampByATsaWithAnotherEkuBesideTimeStamping_IsDenied()
    {
        using var tsa = new TestTimestampAuthority(ekus: [TimeStamping, NotationLeafOptions.CodeSigning]);

        Assert.Equal(
            "the timestamp authority \"CN=Test TSA\" must have the extended key usage timeStamping only, marked critical",
            VerifyTimestamped(tsa).Roots["acme"]);
    }

    [Fact]
    public void Verify_TimestampWhoseAccuracyReachesPastTheLeafsExpiry_IsDenied()
    {
        var verdict = VerifyTimestamped(_tsa, signedDaysAgo: 11, accuracySeconds: 3 * 86400);

        Assert.StartsWith("certificate \"CN=signer\" was not valid at the timestamp", verdict.Roots["acme"], StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TimestampWithAnAbsurdAccuracy_IsDeniedNotThrown()
    {
        var verdict = VerifyTimestamped(_tsa, signedDaysAgo: 15, accuracySeconds: long.MaxValue / 1000);

        Assert.NotNull(verdict.Roots["acme"]);
        Assert.Empty(verdict.SatisfiedRoots);
    }

    // --- malformed envelopes: unreadable, never an exception ---

    [Theory]
    [InlineData("alg", "huge-int")]
    [InlineData("alg", "text")]
    [InlineData("io.cncf.notary.expiry", "huge-uint")]
    [InlineData("io.cncf.notary.expiry", "huge-negative")]
    [InlineData("io.cncf.notary.signingTime", "huge-uint")]
    [InlineData("io.cncf.notary.signingTime", "nan")]
    [InlineData("io.cncf.notary.signingTime", "text")]
    [InlineData("crit", "huge-int")]
    public void Read_CoseHeaderOutOfRange_IsUnreadableNotThrown(string header, string value)
    {
        using var leaf = _ca.Leaf();
        var bytes = CoseWithProtectedHeader(leaf, header, value);

        var envelope = NotationEnvelopeReader.TryRead("application/cose", bytes, out var error);
        var verdict = envelope is null ? null : VerifyWith(envelope, [Acme]);

        Assert.True(envelope is null ? error is not null : verdict!.IntegrityFailure is not null || verdict.SatisfiedRoots.Any() == false);
    }

    [Theory]
    [InlineData("{\"payload\":\"e30\",\"protected\":\"e30\",\"signature\":\"AA\",\"header\":{\"x5c\":[1]}}")]
    [InlineData("{\"payload\":\"e30\",\"protected\":\"e30\",\"signature\":\"AA\",\"header\":[]}")]
    [InlineData("{\"payload\":\"e30\",\"protected\":\"eyJpby5jbmNmLm5vdGFyeS5leHBpcnkiOiIxIn0\",\"signature\":\"AA\"}")]
    [InlineData("{\"payload\":\"e30\",\"protected\":\"bm90IGpzb24\",\"signature\":\"AA\"}")]
    [InlineData("{\"payload\":\"!!\",\"protected\":\"e30\",\"signature\":\"AA\"}")]
    [InlineData("[]")]
    public void Read_MalformedJws_IsUnreadableNotThrown(string json)
    {
        var envelope = NotationEnvelopeReader.TryRead("application/jose+json", System.Text.Encoding.UTF8.GetBytes(json), out var error);

        Assert.True(envelope is null ? error is not null : VerifyWith(envelope, [Acme]).IntegrityFailure is not null);
    }

    private CertificateTrustRoot Acme => new("acme", new X509Certificate2Collection(_ca.Root), null);

    private CertificateTrustRoot WithTsa(TestTimestampAuthority tsa) => new("acme", new X509Certificate2Collection(_ca.Root), new X509Certificate2Collection(tsa.Root));

    private NotationVerdict VerifyTimestamped(TestTimestampAuthority tsa, int signedDaysAgo = 15, long? accuracySeconds = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = _ca.Leaf(notBefore: now.AddDays(-20), notAfter: now.AddDays(-10));
        var envelope = Sign("jws", leaf, new NotationSignOptions
        {
            SigningTime = now.AddDays(-signedDaysAgo),
            Timestamp = s => tsa.Stamp(s, now.AddDays(-signedDaysAgo), accuracySeconds),
        });
        return Verify(envelope, root: WithTsa(tsa));
    }

    private (string MediaType, byte[] Bytes) Sign(string format, X509Certificate2 leaf, NotationSignOptions? options = null) =>
        format == "jws"
            ? ("application/jose+json", NotationSigner.Jws(Payload, leaf, [leaf, _ca.Root], options))
            : ("application/cose", NotationSigner.Cose(Payload, leaf, [leaf, _ca.Root], options));

    private NotationVerdict Verify(
        (string MediaType, byte[] Bytes) envelope,
        NotationVerificationLevel level = NotationVerificationLevel.Strict,
        CertificateTrustRoot? root = null,
        NotationTimestampPolicy policy = NotationTimestampPolicy.Always)
    {
        var parsed = NotationEnvelopeReader.TryRead(envelope.MediaType, envelope.Bytes, out var error);
        Assert.True(parsed is not null, error);
        return _verifier.Verify(parsed, new TargetArtifact(ManifestType, Image, 1234), [root ?? Acme], level, policy);
    }

    private NotationVerdict VerifyWith((string MediaType, byte[] Bytes) envelope, IReadOnlyList<CertificateTrustRoot> roots)
    {
        var parsed = NotationEnvelopeReader.TryRead(envelope.MediaType, envelope.Bytes, out var error);
        Assert.True(parsed is not null, error);
        return VerifyWith(parsed, roots);
    }

    private NotationVerdict VerifyWith(NotationEnvelope envelope, IReadOnlyList<CertificateTrustRoot> roots) =>
        _verifier.Verify(envelope, new TargetArtifact(ManifestType, Image, 1234), roots, NotationVerificationLevel.Strict, NotationTimestampPolicy.Always);

    private byte[] CoseWithProtectedHeader(X509Certificate2 leaf, string header, string value)
    {
        // Re-encodes a well-formed envelope's protected map with one header replaced by a hostile CBOR value; the
        // signature no longer matches, which is beside the point: reading must not throw.
        var message = CoseMessage.DecodeSign1(NotationSigner.Cose(Payload, leaf, [leaf, _ca.Root]));
        var reader = new CborReader(message.RawProtectedHeaders);
        var writer = new CborWriter();
        var count = reader.ReadStartMap()!.Value;
        var replaced = false;
        var entries = new List<(byte[] Key, byte[] Value)>();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadEncodedValue().ToArray();
            var val = reader.ReadEncodedValue().ToArray();
            var name = new CborReader(key).PeekState() == CborReaderState.TextString ? new CborReader(key).ReadTextString() : Label(new CborReader(key).ReadInt32());
            if (name == header)
            {
                val = Hostile(value);
                replaced = true;
            }

            entries.Add((key, val));
        }

        if (!replaced)
        {
            var k = new CborWriter();
            k.WriteTextString(header);
            entries.Add((k.Encode(), Hostile(value)));
        }

        writer.WriteStartMap(entries.Count);
        foreach (var (k, v) in entries)
        {
            writer.WriteEncodedValue(k);
            writer.WriteEncodedValue(v);
        }

        writer.WriteEndMap();
        var protectedBytes = writer.Encode();

        var outer = new CborReader(NotationSigner.Cose(Payload, leaf, [leaf, _ca.Root]));
        outer.ReadTag();
        outer.ReadStartArray();
        outer.SkipValue();
        var unprotected = outer.ReadEncodedValue().ToArray();
        var payload = outer.ReadEncodedValue().ToArray();
        var signature = outer.ReadEncodedValue().ToArray();
        var envelope = new CborWriter();
        envelope.WriteTag((CborTag)18);
        envelope.WriteStartArray(4);
        envelope.WriteByteString(protectedBytes);
        envelope.WriteEncodedValue(unprotected);
        envelope.WriteEncodedValue(payload);
        envelope.WriteEncodedValue(signature);
        envelope.WriteEndArray();
        return envelope.Encode();
    }

    private static string Label(int label) => label switch { 1 => "alg", 2 => "crit", 3 => "cty", _ => label.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static byte[] Hostile(string value)
    {
        var w = new CborWriter();
        switch (value)
        {
            case "huge-int":
                w.WriteInt64(-(1L << 40));
                break;
            case "huge-uint":
                w.WriteTag(CborTag.UnixTimeSeconds);
                w.WriteUInt64(ulong.MaxValue);
                break;
            case "huge-negative":
                w.WriteTag(CborTag.UnixTimeSeconds);
                w.WriteCborNegativeIntegerRepresentation(ulong.MaxValue);
                break;
            case "nan":
                w.WriteTag(CborTag.UnixTimeSeconds);
                w.WriteDouble(double.NaN);
                break;
            default:
                w.WriteTextString("PS256");
                break;
        }

        return w.Encode();
    }
}
