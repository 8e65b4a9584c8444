// Over 300 lines on purpose. Every accepted public-key encoding (PEM, SPKI DER, PKCS#1 RSA, Ed25519) with its refusals (trailing data,
// weak RSA, unsupported curves); one file so that what is accepted can be audited in one read.
using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace Verity.Core.Trust;

/// <summary>
/// A public key, parsed once from configuration or trust data and kept as its SubjectPublicKeyInfo.
/// </summary>
/// <remarks>
/// Accepted forms: PEM <c>PUBLIC KEY</c> (PKIX SubjectPublicKeyInfo, RFC 5280 §4.1.2.7), PEM
/// <c>RSA PUBLIC KEY</c> (PKCS#1), and the base64 of a DER SubjectPublicKeyInfo without PEM armour.
/// Anything after the PEM block other than white space is refused, so a pasted key cannot carry a second,
/// unnoticed block. Algorithms: ECDSA P-256/P-384/P-521, RSA of at least 2048 bits, Ed25519.
/// <para>Importing a key into the platform's crypto costs about as much as verifying a signature with it, so the key
/// keeps one imported instance for <see cref="SignatureVerifier"/>: a verification takes it (another that runs at the
/// same time imports its own) and gives it back afterwards. Instances are never shared between threads at once.</para>
/// </remarks>
public sealed class VerificationKey : IEquatable<VerificationKey>
{
    private const string Ed25519Oid = "1.3.101.112";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";

    private readonly byte[] _spki;
    private string? _fingerprint;
    private Ed25519PublicKeyParameters? _ed25519;

    // An imported ECDsa or RSA instance that no verification is using, or null (see Rent and Return).
    private AsymmetricAlgorithm? _idle;

    private VerificationKey(byte[] spki, KeyAlgorithm algorithm, int keySize, AsymmetricAlgorithm? imported = null)
    {
        _spki = spki;
        Algorithm = algorithm;
        KeySize = keySize;
        _idle = imported;
    }

    /// <summary>The key's algorithm.</summary>
    public KeyAlgorithm Algorithm { get; }

    /// <summary>The key size in bits (the curve size for ECDSA, 256 for Ed25519).</summary>
    public int KeySize { get; }

    /// <summary>The DER SubjectPublicKeyInfo, normalised: re-encoded from the key itself (RSA with NULL parameters, ECDSA
    /// with a named curve and an uncompressed point, Ed25519 without parameters, as Go's <c>x509.MarshalPKIXPublicKey</c>
    /// writes them), so one key has one encoding, one <see cref="Fingerprint"/> and one identity, however it was given.</summary>
    public ReadOnlySpan<byte> SubjectPublicKeyInfo => _spki;

    /// <summary>Parses a key in one of the accepted forms; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(
        string? text, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the key is empty";
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            if (!PemEncoding.TryFind(trimmed, out var fields))
            {
                error = "the PEM block is malformed (check the BEGIN/END lines and the base64 between them)";
                return false;
            }

            if (fields.Location.End.Value != trimmed.Length)
            {
                error = "the key contains extraneous characters after its PEM block";
                return false;
            }

            var label = trimmed[fields.Label];
            var der = Convert.FromBase64String(trimmed[fields.Base64Data]);
            return label switch
            {
                "PUBLIC KEY" => TryFromSubjectPublicKeyInfo(der, out key, out error),
                "RSA PUBLIC KEY" => TryFromPkcs1Rsa(der, out key, out error),
                _ => Fail($"a PEM \"{label}\" block is not a public key (expected \"PUBLIC KEY\")", out key, out error),
            };
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(string.Concat(trimmed.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            error = "the key is neither PEM nor base64 DER; provide a PEM encoded public key (-----BEGIN PUBLIC KEY-----)";
            return false;
        }

        return TryFromSubjectPublicKeyInfo(bytes, out key, out error);
    }

    /// <summary>Parses a key or throws <see cref="FormatException"/>.</summary>
    public static VerificationKey Parse(string text)
    {
        return TryParse(text, out var key, out var error) ? key : throw new FormatException(error);
    }

    /// <summary>Reads a DER SubjectPublicKeyInfo.</summary>
    public static bool TryFromSubjectPublicKeyInfo(
        ReadOnlySpan<byte> der, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        string oid;
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var spki = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithm = spki.ReadSequence();
            oid = algorithm.ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            error = "the key is not a DER SubjectPublicKeyInfo";
            return false;
        }

        try
        {
            switch (oid)
            {
                case EcPublicKeyOid:
                {
                    var ecdsa = ECDsa.Create();
                    try
                    {
                        ecdsa.ImportSubjectPublicKeyInfo(der, out _);
                        var curve = ecdsa.ExportParameters(false).Curve;
                        if (!curve.IsNamed || curve.Oid?.Value is not { } curveOid)
                        {
                            // RFC 5480 §2.1.1: specifiedCurve MUST NOT be used; a named curve is the only form accepted.
                            error = "the ECDSA key has explicit curve parameters; only a named curve (P-256, P-384, P-521) is accepted";
                            return false;
                        }

                        KeyAlgorithm? alg = curveOid switch
                        {
                            "1.2.840.10045.3.1.7" => KeyAlgorithm.EcdsaP256,
                            "1.3.132.0.34" => KeyAlgorithm.EcdsaP384,
                            "1.3.132.0.35" => KeyAlgorithm.EcdsaP521,
                            _ => null,
                        };
                        if (alg is null)
                        {
                            error = $"the ECDSA curve {curve.Oid.FriendlyName ?? curveOid} is not supported (P-256, P-384, P-521)";
                            return false;
                        }

                        // The instance imported to read the key becomes the one kept for verifications.
                        key = new VerificationKey(ecdsa.ExportSubjectPublicKeyInfo(), alg.Value, ecdsa.KeySize, ecdsa);
                        ecdsa = null;
                        break;
                    }
                    finally
                    {
                        ecdsa?.Dispose();
                    }
                }

                case RsaOid:
                {
                    var rsa = RSA.Create();
                    try
                    {
                        rsa.ImportSubjectPublicKeyInfo(der, out _);
                        if (rsa.KeySize < 2048)
                        {
                            error = $"the RSA key has {rsa.KeySize} bits; at least 2048 are required";
                            return false;
                        }

                        key = new VerificationKey(rsa.ExportSubjectPublicKeyInfo(), KeyAlgorithm.Rsa, rsa.KeySize, rsa);
                        rsa = null;
                        break;
                    }
                    finally
                    {
                        rsa?.Dispose();
                    }
                }

                case Ed25519Oid:
                {
                    var raw = ReadEd25519(der);
                    if (raw.Length != 32)
                    {
                        error = "the Ed25519 key does not have 32 bytes";
                        return false;
                    }

                    // RFC 8410 §4: AlgorithmIdentifier without parameters.
                    key = new VerificationKey([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. raw], KeyAlgorithm.Ed25519, 256);
                    break;
                }

                default:
                    error = $"the key algorithm {oid} is not supported (ECDSA, RSA or Ed25519)";
                    return false;
            }
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            error = $"the key cannot be read: {e.Message}";
            return false;
        }
        catch (PlatformNotSupportedException)
        {
            // ECDsa.ImportSubjectPublicKeyInfo throws this, not a CryptographicException, for a named curve OpenSSL does
            // not know (found by fuzzing, docs/fuzzing.md).
            error = "the ECDSA key is on an unknown curve; P-256, P-384 and P-521 are supported";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Wraps an existing ECDSA or RSA key.</summary>
    public static VerificationKey FromAsymmetricAlgorithm(AsymmetricAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var der = algorithm.ExportSubjectPublicKeyInfo();
        return TryFromSubjectPublicKeyInfo(der, out var key, out var error)
            ? key
            : throw new CryptographicException(error);
    }

    /// <summary>A new ECDSA instance for this key; the caller disposes it.</summary>
    public ECDsa CreateEcdsa()
    {
        if (Algorithm is not (KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 or KeyAlgorithm.EcdsaP521))
        {
            throw new InvalidOperationException($"a {Algorithm} key is not an ECDSA key");
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return ecdsa;
    }

    /// <summary>A new RSA instance for this key; the caller disposes it.</summary>
    public RSA CreateRsa()
    {
        if (Algorithm != KeyAlgorithm.Rsa)
        {
            throw new InvalidOperationException($"a {Algorithm} key is not an RSA key");
        }

        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return rsa;
    }

    /// <summary>
    /// An imported ECDSA instance for one verification, the caller's until it gives it back with <see cref="Return"/>:
    /// the one kept from earlier verifications when no other verification holds it, else a new one.
    /// </summary>
    internal ECDsa RentEcdsa() => Interlocked.Exchange(ref _idle, null) as ECDsa ?? CreateEcdsa();

    /// <summary>An imported RSA instance for one verification (as <see cref="RentEcdsa"/>).</summary>
    internal RSA RentRsa() => Interlocked.Exchange(ref _idle, null) as RSA ?? CreateRsa();

    /// <summary>Gives back an instance from <see cref="RentEcdsa"/> or <see cref="RentRsa"/>: kept for the next
    /// verification, or disposed when another one is kept already.</summary>
    internal void Return(AsymmetricAlgorithm instance)
    {
        if (Interlocked.CompareExchange(ref _idle, instance, null) is not null)
        {
            instance.Dispose();
        }
    }

    /// <summary>The Ed25519 public key for BouncyCastle's verifier, decoded once (immutable, so shared).</summary>
    internal Ed25519PublicKeyParameters Ed25519Parameters => _ed25519 ??= new Ed25519PublicKeyParameters(GetEd25519Key());

    /// <summary>The raw 32-byte Ed25519 public key.</summary>
    public byte[] GetEd25519Key()
    {
        return Algorithm == KeyAlgorithm.Ed25519
            ? ReadEd25519(_spki)
            : throw new InvalidOperationException($"a {Algorithm} key is not an Ed25519 key");
    }

    /// <summary>The key as PEM <c>PUBLIC KEY</c>.</summary>
    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", _spki);

    /// <summary>The SHA-256 of the SubjectPublicKeyInfo in lower-case hex, a stable key identifier.</summary>
    public string Fingerprint() => _fingerprint ??= Convert.ToHexStringLower(SHA256.HashData(_spki));

    /// <inheritdoc/>
    public bool Equals(VerificationKey? other) => other is not null && _spki.AsSpan().SequenceEqual(other._spki);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as VerificationKey);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_spki);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Algorithm} key sha256:{Fingerprint()[..16]}…";

    private static bool TryFromPkcs1Rsa(byte[] der, out VerificationKey? key, out string? error)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportRSAPublicKey(der, out _);
            return TryFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out key, out error);
        }
        catch (CryptographicException e)
        {
            key = null;
            error = $"the RSA public key cannot be read: {e.Message}";
            return false;
        }
    }

    private static byte[] ReadEd25519(ReadOnlySpan<byte> spki)
    {
        var reader = new AsnReader(spki.ToArray(), AsnEncodingRules.DER).ReadSequence();
        reader.ReadSequence();
        return reader.ReadBitString(out _);
    }

    private static bool Fail(string message, out VerificationKey? key, out string? error)
    {
        key = null;
        error = message;
        return false;
    }
}
