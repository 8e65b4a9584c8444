using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Verity.Core.Images;
using Verity.Core.Trust;

namespace Verity.Validators.Tests.Cosign.Verification;

/// <summary>Key-signed cosign layers with every key type cosign can verify, keys generated at test time.</summary>
public sealed class KeyAlgorithmTests
{
    private static readonly CosignRuleOptions Rule = new() { TrustRoot = "k", VerifyInTransparencyLog = false };

    [Theory]
    [InlineData("nistP256")]
    [InlineData("nistP384")]
    [InlineData("nistP521")]
    public void EcdsaKey_DerSignatureWithSha256_Trusted(string curve)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var image = TestSigstore.RandomImage();
        var payload = TestSigstore.Payload(image);

        var outcome = Run(VerificationKey.FromAsymmetricAlgorithm(key), image, payload, key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.Equal(image, CosignRun.AssertTrusted(outcome));
    }

    [Fact]
    public void EcdsaKey_P1363Signature_Denied()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = TestSigstore.RandomImage();
        var payload = TestSigstore.Payload(image);

        var outcome = Run(VerificationKey.FromAsymmetricAlgorithm(key), image, payload, key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        CosignRun.AssertDenied(outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RsaKey_Pkcs1OrPss_Trusted(bool pss)
    {
        using var key = RSA.Create(2048);
        var image = TestSigstore.RandomImage();
        var payload = TestSigstore.Payload(image);
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);

        Assert.Equal(image, CosignRun.AssertTrusted(Run(VerificationKey.FromAsymmetricAlgorithm(key), image, payload, signature)));
    }

    [Fact]
    public void Ed25519Key_PureSignature_Trusted()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var spki = SubjectPublicKeyInfoFactoryDer((Ed25519PublicKeyParameters)pair.Public);
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var key, out var error), error);
        var image = TestSigstore.RandomImage();
        var payload = TestSigstore.Payload(image);
        var signer = new Ed25519Signer();
        signer.Init(true, pair.Private);
        signer.BlockUpdate(payload, 0, payload.Length);

        Assert.Equal(image, CosignRun.AssertTrusted(Run(key, image, payload, signer.GenerateSignature())));
    }

    private static byte[] SubjectPublicKeyInfoFactoryDer(Ed25519PublicKeyParameters key)
    {
        return Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key).GetDerEncoded();
    }

    private static Verity.Core.Validation.ValidationOutcome Run(VerificationKey key, Digest image, byte[] payload, byte[] signature)
    {
        var layer = new CosignSignatureLayer(
            ImmutableDictionary<string, string>.Empty.Add(CosignSignatureLayer.SignatureAnnotation, Convert.ToBase64String(signature)),
            payload);
        return CosignRun.Validate([new PublicKeyTrustRoot("k", key)], Rule, image, new CosignEvidence { Layers = [layer] });
    }
}
