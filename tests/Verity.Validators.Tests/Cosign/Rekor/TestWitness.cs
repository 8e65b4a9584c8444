using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Verity.Validators.Tests.Cosign.Rekor;

/// <summary>
/// A witness (cosigner) with an Ed25519 key, cosigning checkpoints as C2SP <c>tlog-cosignature</c> v1 says: key ID =
/// <c>SHA-256(name || 0x0A || 0x04 || key)[:4]</c>, signature = 8-byte big-endian time || Ed25519 over
/// <c>"cosignature/v1\ntime &lt;t&gt;\n" || checkpoint text</c>.
/// </summary>
internal sealed class TestWitness(string name)
{
    private readonly Ed25519PrivateKeyParameters _key = new(new SecureRandom());

    public string Name { get; } = name;

    public byte[] KeyId => SHA256.HashData([.. Encoding.UTF8.GetBytes(Name + "\n"), 0x04, .. _key.GeneratePublicKey().GetEncoded()])[..4];

    /// <summary>The cosignature line over <paramref name="text"/> (a checkpoint's text, final newline included) at <paramref name="time"/>.</summary>
    public string Cosign(string text, long time = 1_767_225_600)
    {
        var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {time}\n{text}"));
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        signer.BlockUpdate(message, 0, message.Length);
        var timestamp = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(timestamp, (ulong)time);
        return TestLogKey.NoteLine(Name, KeyId, [.. timestamp, .. signer.GenerateSignature()]);
    }

    /// <summary>The witness's own Ed25519 signature line over the text as if it were a log (signature type 0x01), an "unknown
    /// key type" to a verifier that only knows the log.</summary>
    public string SignAsLog(string text)
    {
        var message = Encoding.UTF8.GetBytes(text);
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        signer.BlockUpdate(message, 0, message.Length);
        var keyId = SHA256.HashData([.. Encoding.UTF8.GetBytes(Name + "\n"), 0x01, .. _key.GeneratePublicKey().GetEncoded()])[..4];
        return TestLogKey.NoteLine(Name, keyId, signer.GenerateSignature());
    }
}
