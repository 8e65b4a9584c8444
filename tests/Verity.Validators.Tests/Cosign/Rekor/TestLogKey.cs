using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Verity.Core.Trust;

namespace Verity.Validators.Tests.Cosign.Rekor;

/// <summary>
/// A transparency log's checkpoint key of one kind, signing as rekor-tiles (<c>pkg/note</c>) signs C2SP signed notes: Ed25519 pure,
/// ECDSA P-256 DER over SHA-256, RSA PKCS#1 v1.5 over SHA-256. Key IDs and log IDs are computed here from the specifications
/// (C2SP signed-note, protobuf-specs <c>checkpoint_key_id</c>), independently of the code under test.
/// </summary>
internal sealed class TestLogKey : IDisposable
{
    private readonly Ed25519PrivateKeyParameters? _ed25519;
    private readonly AsymmetricAlgorithm? _dotnet;

    private TestLogKey(string kind, Ed25519PrivateKeyParameters? ed25519, AsymmetricAlgorithm? dotnet)
    {
        Kind = kind;
        _ed25519 = ed25519;
        _dotnet = dotnet;
    }

    /// <summary><c>ed25519</c>, <c>rsa</c> or <c>ecdsa</c>.</summary>
    public string Kind { get; }

    /// <summary>The key's DER SubjectPublicKeyInfo.</summary>
    public byte[] Spki => _ed25519 is not null
        ? Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(_ed25519.GeneratePublicKey()).GetDerEncoded()
        : _dotnet!.ExportSubjectPublicKeyInfo();

    /// <summary>The trusted root's <c>keyDetails</c> for the key.</summary>
    public string KeyDetails => Kind switch
    {
        "ed25519" => "PKIX_ED25519",
        "rsa" => "PKIX_RSA_PKCS1V15_2048_SHA256",
        _ => "PKIX_ECDSA_P256_SHA_256",
    };

    public VerificationKey VerificationKey
    {
        get
        {
            Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(Spki, out var key, out var error), error);
            return key;
        }
    }

    public static TestLogKey Create(string kind) => kind switch
    {
        "ed25519" => new TestLogKey(kind, new Ed25519PrivateKeyParameters(new SecureRandom()), null),
        "rsa" => new TestLogKey(kind, null, RSA.Create(2048)),
        "ecdsa" => new TestLogKey(kind, null, ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "ed25519, rsa or ecdsa"),
    };

    /// <summary>The full hash a key ID is cut from, which rekor-tiles also uses as the log ID: Ed25519
    /// <c>SHA-256(name || 0x0A || 0x01 || key)</c>, RSA <c>SHA-256(name || 0x0A || 0xFF || "PKIX-RSA-PKCS#1v1.5" || SPKI)</c>,
    /// ECDSA <c>SHA-256(SPKI)</c>.</summary>
    public byte[] LogId(string name)
    {
        var prefix = Encoding.UTF8.GetBytes(name + "\n");
        return Kind switch
        {
            "ed25519" => SHA256.HashData([.. prefix, 0x01, .. _ed25519!.GeneratePublicKey().GetEncoded()]),
            "rsa" => SHA256.HashData([.. prefix, 0xFF, .. Encoding.ASCII.GetBytes("PKIX-RSA-PKCS#1v1.5"), .. Spki]),
            _ => SHA256.HashData(Spki),
        };
    }

    /// <summary>The 4-byte C2SP key ID under <paramref name="name"/>.</summary>
    public byte[] KeyId(string name) => LogId(name)[..4];

    /// <summary>Signs a note's text.</summary>
    public byte[] Sign(string text)
    {
        var message = Encoding.UTF8.GetBytes(text);
        switch (Kind)
        {
            case "ed25519":
                var signer = new Ed25519Signer();
                signer.Init(true, _ed25519);
                signer.BlockUpdate(message, 0, message.Length);
                return signer.GenerateSignature();
            case "rsa":
                return ((RSA)_dotnet!).SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            default:
                return ((ECDsa)_dotnet!).SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
    }

    /// <summary>A signature line of this key under <paramref name="name"/> over <paramref name="text"/>.</summary>
    public string Line(string name, string text) => NoteLine(name, KeyId(name), Sign(text));

    /// <summary>A signature line: <c>— name base64(keyID || signature)</c>.</summary>
    public static string NoteLine(string name, byte[] keyId, byte[] signature) => $"\u2014 {name} {Convert.ToBase64String([.. keyId, .. signature])}\n";

    public void Dispose() => _dotnet?.Dispose();
}
