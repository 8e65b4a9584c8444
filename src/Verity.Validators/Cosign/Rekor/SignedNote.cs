using Verity.Validators.Cosign.Crypto;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// A signed note (transparency-dev "note" format, the envelope of a log checkpoint): a text ending in a
/// newline, a blank line, and one or more signature lines.
/// </summary>
/// <remarks>
/// Each signature line is <c>U+2014 SP name SP base64 LF</c>, where the base64 holds a 4-byte key hint
/// followed by the signature over the UTF-8 bytes of the text (the text's final newline included). Rekor
/// (v1) signs checkpoints with its log key: the key hint is the first 4 bytes of the log ID, i.e. of
/// SHA-256 of the key's DER SubjectPublicKeyInfo, and the signature is ECDSA (DER) or whatever the key
/// type signs, with the key's default hash. Rekor v2 (tile-based logs) signs checkpoints as C2SP signed notes, with
/// the log's origin as the signer name and a key ID that depends on the key type (<see cref="IsSignedByV2"/>).
/// </remarks>
internal sealed record SignedNote
{
    private const string SignaturePrefix = "\u2014 ";

    /// <summary>The signed text, final newline included.</summary>
    public required string Text { get; init; }

    /// <summary>The signatures.</summary>
    public required ImmutableArray<NoteSignature> Signatures { get; init; }

    /// <summary>Splits a note into text and signatures.</summary>
    public static bool TryParse(string envelope, [NotNullWhen(true)] out SignedNote? note, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        note = null;
        int split = envelope.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            error = "the checkpoint has no blank line before its signatures";
            return false;
        }

        var text = envelope[..(split + 1)];
        var block = envelope[(split + 2)..];
        if (block.Length == 0 || block[^1] != '\n')
        {
            error = "the checkpoint's signature block does not end with a newline";
            return false;
        }

        var signatures = ImmutableArray.CreateBuilder<NoteSignature>();
        foreach (var line in block[..^1].Split('\n'))
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                error = "a checkpoint signature line does not start with \"\u2014 \"";
                return false;
            }

            var rest = line[SignaturePrefix.Length..];
            int space = rest.LastIndexOf(' ');
            if (space <= 0 || rest[..space].Contains(' ', StringComparison.Ordinal))
            {
                error = "a checkpoint signature line is not \"\u2014 name signature\"";
                return false;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(rest[(space + 1)..]);
            }
            catch (FormatException)
            {
                error = "a checkpoint signature is not base64";
                return false;
            }

            if (bytes.Length < 5)
            {
                error = "a checkpoint signature is too short";
                return false;
            }

            signatures.Add(new NoteSignature(rest[..space], bytes.AsMemory(0, 4), bytes.AsMemory(4)));
        }

        note = new SignedNote { Text = text, Signatures = signatures.ToImmutable() };
        error = null;
        return true;
    }

    /// <summary>Whether one of the signatures is by <paramref name="log"/>'s key as Rekor v1 signs checkpoints (matched by
    /// key hint = the first 4 bytes of SHA-256 of the key's SubjectPublicKeyInfo; the signer name is not compared).</summary>
    public bool IsSignedBy(TransparencyLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Key is not { } key)
        {
            return false;
        }

        var hint = SHA256.HashData(key.SubjectPublicKeyInfo).AsSpan(0, 4);
        var message = Encoding.UTF8.GetBytes(Text);
        foreach (var signature in Signatures)
        {
            if (signature.KeyHint.Span.SequenceEqual(hint)
                && SigningAlgorithms.Verify(key, message, signature.Signature.Span, SigningAlgorithms.DefaultHash(key)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether one of the signatures is by <paramref name="log"/>'s key under the signer name <paramref name="name"/>, as
    /// C2SP signed-note and rekor-tiles (<c>pkg/note</c>) define it for Rekor v2: the key ID is, for Ed25519,
    /// <c>SHA-256(name || 0x0A || 0x01 || raw key)[:4]</c> and the signature pure Ed25519; for ECDSA, <c>SHA-256(SPKI)[:4]</c>;
    /// for RSA, <c>SHA-256(name || 0x0A || 0xFF || "PKIX-RSA-PKCS#1v1.5" || SPKI)[:4]</c>.
    /// </summary>
    public bool IsSignedByV2(TransparencyLog log, string name)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(name);
        if (log.Key is not { } key)
        {
            return false;
        }

        var keyId = CheckpointKeyId(key, name);
        var message = Encoding.UTF8.GetBytes(Text);
        foreach (var signature in Signatures)
        {
            if (signature.Name != name || !signature.KeyHint.Span.SequenceEqual(keyId))
            {
                continue;
            }

            bool valid = key.Algorithm == KeyAlgorithm.Ed25519
                ? SignatureVerifier.Verify(key, message, signature.Signature.Span)
                : SigningAlgorithms.Verify(key, message, signature.Signature.Span, SigningAlgorithms.DefaultHash(key));
            if (valid)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The 4-byte checkpoint key ID of <paramref name="key"/> under <paramref name="name"/> (see <see cref="IsSignedByV2"/>).</summary>
    public static byte[] CheckpointKeyId(VerificationKey key, string name)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(name);
        byte[] hashed = key.Algorithm switch
        {
            KeyAlgorithm.Ed25519 => [.. Encoding.UTF8.GetBytes(name), 0x0A, 0x01, .. key.GetEd25519Key()],
            KeyAlgorithm.Rsa => [.. Encoding.UTF8.GetBytes(name), 0x0A, 0xFF, .. "PKIX-RSA-PKCS#1v1.5"u8, .. key.SubjectPublicKeyInfo],
            _ => key.SubjectPublicKeyInfo.ToArray(),
        };
        return SHA256.HashData(hashed).AsSpan(0, 4).ToArray();
    }
}
