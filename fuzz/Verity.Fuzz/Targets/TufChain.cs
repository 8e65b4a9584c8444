using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Fuzz.Targets;

/// <summary>
/// Turns the fuzzer's <c>signed</c> bodies into metadata files signed by the keys the base root trusts, so that inputs
/// get past signature checks to the checks behind them (versions, expiry, hashes, delegations), which the fuzzer could
/// not reach if it had to forge signatures.
/// </summary>
/// <remarks>
/// <para>Two keys, made at start (no key material in the repository): the root key, a P-256 key in a self-signed
/// <c>ecdsa-x509</c> certificate for the collection as Notary lists root keys, and an Ed25519 key (from a fixed seed)
/// for timestamp, snapshot, targets and delegations. Root files are signed by both, the others by the Ed25519 key. Before a body is signed, these
/// placeholders are replaced, so that hand-made seeds can name what the fuzzer cannot compute:</para>
/// <list type="bullet">
/// <item><c>@keyid@</c> and <c>@key@</c>: the Ed25519 key's ID and TUF KEY object; <c>@rootkeyid@</c> and
/// <c>@rootkey@</c>: the root key's;</item>
/// <item><c>@sha256:ROLE@</c> and <c>@length:ROLE@</c>: the SHA-256 (base64) and length of the file made for
/// <c>ROLE</c> (root, targets, a delegation; snapshot for the timestamp).</item>
/// </list>
/// <para>A body starting with <c>!</c> is taken as the whole file (the fuzzer's own envelope and signatures).</para>
/// </remarks>
internal sealed class TufChain : IDisposable
{
    /// <summary>The fixed update start time: every expiry is checked against it.</summary>
    public static readonly DateTimeOffset ReferenceTime = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Ed25519PrivateKeyParameters _key;
    private readonly ECDsa _rootKey;
    private readonly byte[] _keyObject;
    private readonly byte[] _rootKeyObject;

    public TufChain(string gun)
    {
        _key = new Ed25519PrivateKeyParameters(SHA256.HashData("verity fuzz tuf key"u8));
        var publicBytes = _key.GeneratePublicKey().GetEncoded();
        KeyId = TufKey.ComputeId("ed25519", publicBytes);
        _keyObject = KeyObject("ed25519", publicBytes);

        _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + gun, _rootKey, HashAlgorithmName.SHA256);
        using (var certificate = request.CreateSelfSigned(ReferenceTime.AddYears(-1), ReferenceTime.AddYears(50)))
        {
            var pem = Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n");
            RootKeyId = TufKey.ComputeId("ecdsa-x509", pem);
            _rootKeyObject = KeyObject("ecdsa-x509", pem);
        }

        var roles = string.Join(',', TufRoles.TopLevel.Order(StringComparer.Ordinal)
            .Select(r => $"\"{r}\":{{\"keyids\":[\"{(r == TufRoles.Root ? "@rootkeyid@" : "@keyid@")}\"],\"threshold\":1}}"));
        BaseRoot = File(Encoding.UTF8.GetBytes(
            $"{{\"_type\":\"Root\",\"consistent_snapshot\":false,\"expires\":\"2100-01-01T00:00:00Z\",\"keys\":{{\"@keyid@\":@key@,\"@rootkeyid@\":@rootkey@}},\"roles\":{{{roles}}},\"version\":1}}"),
            new Dictionary<string, byte[]>(StringComparer.Ordinal),
            root: true);
    }

    /// <summary>The ID of the Ed25519 key.</summary>
    public string KeyId { get; }

    /// <summary>The ID of the root key (a certificate for the collection).</summary>
    public string RootKeyId { get; }

    /// <summary>A version 1 root that trusts the key for every role and expires in 2100.</summary>
    public byte[] BaseRoot { get; }

    /// <summary>The file for <paramref name="body"/>: placeholders replaced, signed by the key (see the remarks on the type).</summary>
    /// <param name="body">The <c>signed</c> member, or <c>!</c> and a whole file.</param>
    /// <param name="files">The files made so far, by role, for <c>@sha256:ROLE@</c> and <c>@length:ROLE@</c>.</param>
    /// <param name="root">Whether the body is a root, which the root key signs too (an ECDSA signature costs more
    /// than the whole rest of a run, so other roles do without it).</param>
    public byte[] File(ReadOnlySpan<byte> body, IReadOnlyDictionary<string, byte[]> files, bool root = false)
    {
        if (body.Length > 0 && body[0] == (byte)'!')
        {
            return Substitute(body[1..], files);
        }

        var signed = Substitute(body, files);
        byte[] message;
        try
        {
            message = OlpcCanonicalJson.Serialize(signed);
        }
        catch (FormatException)
        {
            // No canonical form: the reader refuses such a body before it looks at signatures.
            message = signed;
        }

        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _key);
        signer.BlockUpdate(message, 0, message.Length);
        var signature = Convert.ToBase64String(signer.GenerateSignature());
        var rootSignature = root
            ? $",{{\"keyid\":\"{RootKeyId}\",\"method\":\"ecdsa\",\"sig\":\"{Convert.ToBase64String(_rootKey.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))}\"}}"
            : string.Empty;
        var file = new List<byte>(signed.Length + 512);
        file.AddRange("{\"signed\":"u8);
        file.AddRange(signed);
        file.AddRange(Encoding.UTF8.GetBytes($",\"signatures\":[{{\"keyid\":\"{KeyId}\",\"method\":\"eddsa\",\"sig\":\"{signature}\"}}{rootSignature}]}}"));
        return [.. file];
    }

    private static byte[] KeyObject(string keyType, byte[] publicBytes) =>
        Encoding.UTF8.GetBytes($"{{\"keytype\":\"{keyType}\",\"keyval\":{{\"private\":null,\"public\":\"{Convert.ToBase64String(publicBytes)}\"}}}}");

    private byte[] Substitute(ReadOnlySpan<byte> body, IReadOnlyDictionary<string, byte[]> files)
    {
        var output = new List<byte>(body.Length + 128);
        while (!body.IsEmpty)
        {
            int at = body.IndexOf((byte)'@');
            int end = at < 0 ? -1 : body[(at + 1)..].IndexOf((byte)'@');
            if (at < 0 || end < 0)
            {
                output.AddRange(body);
                break;
            }

            output.AddRange(body[..at]);
            var token = Encoding.UTF8.GetString(body.Slice(at + 1, end));
            if (Replacement(token, files) is { } replacement)
            {
                output.AddRange(replacement);
                body = body[(at + end + 2)..];
            }
            else
            {
                output.Add((byte)'@');
                body = body[(at + 1)..];
            }
        }

        return [.. output];
    }

    private byte[]? Replacement(string token, IReadOnlyDictionary<string, byte[]> files)
    {
        if (token == "keyid")
        {
            return Encoding.UTF8.GetBytes(KeyId);
        }

        if (token == "key")
        {
            return _keyObject;
        }

        if (token == "rootkeyid")
        {
            return Encoding.UTF8.GetBytes(RootKeyId);
        }

        if (token == "rootkey")
        {
            return _rootKeyObject;
        }

        int colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !files.TryGetValue(token[(colon + 1)..], out var file))
        {
            return null;
        }

        return token[..colon] switch
        {
            "sha256" => Encoding.UTF8.GetBytes(Convert.ToBase64String(SHA256.HashData(file))),
            "length" => Encoding.UTF8.GetBytes(file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    public void Dispose() => _rootKey.Dispose();
}
