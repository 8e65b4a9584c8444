using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Trust;

namespace Verity.Core.Tests.Trust;

/// <summary>
/// Checks in signature, digest and threshold code that a Stryker.NET run left unguarded (docs/mutation-testing.md):
/// each test fails when the check it names is changed.
/// </summary>
public sealed class MutationGuardTests
{
    private static readonly byte[] Message = "signed bytes"u8.ToArray();

    [Fact]
    public void Verify_EcdsaWithTheHashTheCallerNames_UsesThatHash()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var key = VerificationKey.FromAsymmetricAlgorithm(ecdsa);
        var signature = ecdsa.SignData(Message, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(SignatureVerifier.Verify(key, Message, signature, SignatureEncoding.Default, HashAlgorithmName.SHA384));
        Assert.False(SignatureVerifier.Verify(key, Message, signature, SignatureEncoding.Default, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Verify_EcdsaDerSignature_IsReadAsDerNotAsP1363()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = VerificationKey.FromAsymmetricAlgorithm(ecdsa);
        var der = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var p1363 = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.True(SignatureVerifier.Verify(key, Message, der, SignatureEncoding.Default));
        Assert.False(SignatureVerifier.Verify(key, Message, der, SignatureEncoding.EcdsaP1363));
        Assert.True(SignatureVerifier.Verify(key, Message, p1363, SignatureEncoding.EcdsaP1363));
    }

    [Fact]
    public void Verify_RsaPkcs1Signature_IsNotAcceptedAsPssAndViceVersa()
    {
        using var rsa = RSA.Create(2048);
        var key = VerificationKey.FromAsymmetricAlgorithm(rsa);
        var pkcs1 = rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.True(SignatureVerifier.Verify(key, Message, pkcs1, SignatureEncoding.Default));
        Assert.False(SignatureVerifier.Verify(key, Message, pkcs1, SignatureEncoding.RsaPss));
    }

    [Fact]
    public void Verify_Ed25519SignatureClaimedAsAnotherEncoding_IsRefused()
    {
        var privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, privateKey);
        signer.BlockUpdate(Message, 0, Message.Length);
        var signature = signer.GenerateSignature();
        var spki = SubjectPublicKeyInfoFactoryBytes(privateKey.GeneratePublicKey());
        var key = VerificationKey.Parse(PemEncoding.WriteString("PUBLIC KEY", spki));

        Assert.True(SignatureVerifier.Verify(key, Message, signature));
        Assert.False(SignatureVerifier.Verify(key, Message, signature, SignatureEncoding.EcdsaP1363));
    }

    [Fact]
    public void Digest_Sha384_IsParsedAndMatchedWithSha384()
    {
        var content = Encoding.UTF8.GetBytes("content");
        var digest = Digest.Parse("sha384:" + Convert.ToHexStringLower(SHA384.HashData(content)));

        Assert.True(digest.Matches(content));
        Assert.False(digest.Matches("other"u8));
    }

    [Fact]
    public void Threshold_BelowTheNumberOfRoots_IsEnough()
    {
        var roots = Roots("alice", "bob", "charlie");

        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "*", Threshold = 2 }, out var selection, out _));

        Assert.Equal(2, selection!.Threshold);
        Assert.Null(selection.FindShortfall(new HashSet<string> { "alice", "charlie" }, _ => string.Empty));
    }

    [Fact]
    public void NamedRootWithRequired_EvaluatesBothAndRequiresBoth()
    {
        var roots = Roots("alice", "bob", "charlie");

        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "alice", Required = ["bob"] }, out var selection, out _));

        Assert.Equal(["alice", "bob"], selection!.TrustRoots.Select(r => r.Name));
        Assert.Equal("0 of 1 required signatures found (missing: bob)", selection.FindShortfall(new HashSet<string> { "alice" }, _ => string.Empty));
        Assert.Null(selection.FindShortfall(new HashSet<string> { "alice", "bob" }, _ => string.Empty));
    }

    [Fact]
    public void ThresholdShortfall_NamesWhyOnlyWhenNothingSigned()
    {
        var roots = Roots("alice", "bob");
        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "*", Threshold = 2 }, out var selection, out _));

        Assert.Equal("validation threshold not reached (0/2): nothing", selection!.FindShortfall(new HashSet<string>(), _ => ": nothing"));
        Assert.Equal("validation threshold not reached (1/2)", selection.FindShortfall(new HashSet<string> { "bob" }, _ => ": nothing"));
    }

    [Fact]
    public void RequiredRootsOnly_WithoutThreshold_AreEvaluatedAlone()
    {
        var roots = Roots("alice", "bob", "charlie");

        Assert.True(TrustRootSelection.TrySelect(roots, new TrustRootRuleOptions { TrustRoot = "*", Required = ["alice", "charlie", "alice"] }, out var selection, out _));

        Assert.Equal(["alice", "charlie"], selection!.TrustRoots.Select(r => r.Name));
        Assert.Null(selection.Threshold);
        Assert.Equal(["alice", "charlie"], selection.Required);
        Assert.Equal("1 of 2 required signatures found (missing: charlie)", selection.FindShortfall(new HashSet<string> { "alice", "bob" }, _ => string.Empty));
    }

    [Fact]
    public void NoTrustRoots_CannotBeSelected()
    {
        Assert.False(TrustRootSelection.TrySelect(default, new TrustRootRuleOptions { TrustRoot = "*" }, out _, out var error));
        Assert.Equal("the validator has no trust roots", error);
        Assert.False(TrustRootSelection.TrySelect(default, new TrustRootRuleOptions { TrustRoot = "alice" }, out _, out error));
        Assert.Equal("trust root \"alice\" is not defined for this validator", error);
    }

    private static ImmutableArray<TrustRoot> Roots(params string[] names) => [.. names.Select(n =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (TrustRoot)new PublicKeyTrustRoot(n, VerificationKey.FromAsymmetricAlgorithm(key));
    })];

    private static byte[] SubjectPublicKeyInfoFactoryBytes(Ed25519PublicKeyParameters key) =>
        Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key).GetDerEncoded();
}
