using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Verity.Core.Trust;

namespace Verity.Core.Tests.Trust;

public sealed class SignatureVerifierTests
{
    private static readonly byte[] Message = "the signed message"u8.ToArray();
    private static readonly byte[] OtherMessage = "another message"u8.ToArray();

    [Fact]
    public void Verify_OneEcdsaKeyFromManyThreadsAtOnce_GivesEveryVerdictRight()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = VerificationKey.FromAsymmetricAlgorithm(ecdsa);
        var signature = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        AssertVerdictsUnderConcurrency(i => SignatureVerifier.Verify(key, i % 2 == 0 ? Message : OtherMessage, signature, SignatureEncoding.EcdsaP1363));
    }

    [Fact]
    public void Verify_OneRsaKeyFromManyThreadsAtOnce_GivesEveryVerdictRight()
    {
        using var rsa = RSA.Create(2048);
        var key = VerificationKey.FromAsymmetricAlgorithm(rsa);
        var signature = rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        AssertVerdictsUnderConcurrency(i => SignatureVerifier.Verify(key, i % 2 == 0 ? Message : OtherMessage, signature, SignatureEncoding.RsaPss));
    }

    [Fact]
    public void Verify_Ed25519KeyUsedTwice_GivesEveryVerdictRight()
    {
        var privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, privateKey);
        signer.BlockUpdate(Message, 0, Message.Length);
        var signature = signer.GenerateSignature();
        byte[] spki = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. privateKey.GeneratePublicKey().GetEncoded()];
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var key, out var error), error);

        AssertVerdictsUnderConcurrency(i => SignatureVerifier.Verify(key, i % 2 == 0 ? Message : OtherMessage, signature));
    }

    [Fact]
    public void RentEcdsa_AfterAVerificationGaveItBack_IsTheSameImportedInstance()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = VerificationKey.FromAsymmetricAlgorithm(ecdsa);

        var first = key.RentEcdsa();
        var concurrent = key.RentEcdsa();
        Assert.NotSame(first, concurrent);
        key.Return(first);
        key.Return(concurrent);

        Assert.Same(first, key.RentEcdsa());
    }

    private static void AssertVerdictsUnderConcurrency(Func<int, bool> verify)
    {
        var wrong = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (verify(i) != (i % 2 == 0))
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
    }
}
