using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// A signed note (C2SP <c>signed-note</c>, the envelope of a log checkpoint): a text ending in a newline, a blank line,
/// and one or more signature lines.
/// </summary>
/// <remarks>
/// <para>Each signature line is <c>U+2014 SP name SP base64 LF</c>, where the base64 holds a 4-byte key ID followed by
/// the signature over the UTF-8 bytes of the text (the text's final newline included). The text ends at the last blank
/// line. A note must not contain control characters other than newline, and key names must be non-empty, without spaces
/// or <c>+</c>; a note that breaks the format is refused whole, as <c>golang.org/x/mod/sumdb/note</c> refuses it.</para>
/// <para>A checkpoint may carry other signers' lines next to the log's own: witnesses' cosignatures (C2SP
/// <c>tlog-cosignature</c>), a rotated key's, signature types Verity does not know. Verification looks only for the log's
/// line, by name and key ID (<see cref="NoteVerifier"/>), and ignores the others: they are not errors, and they never
/// stand in for the log's signature. When a line has the log's name and key ID, its signature must verify: a note with
/// a failing signature by the log's key is refused even if another line by that key verifies (C2SP signed-note: "If a
/// signature from a known key fails to verify, clients SHOULD reject the whole note"; <c>sumdb/note.Open</c> fails with
/// <c>InvalidSignatureError</c>). A line by the log's key that verifies is needed: witness lines alone do not count.</para>
/// <para>At most <see cref="MaxSignatures"/> signature lines are read (the spec asks verifiers to bound the number and to
/// accept at least 16).</para>
/// </remarks>
internal sealed record SignedNote
{
    /// <summary>
    /// The most signature lines a note may have: the bound of <c>golang.org/x/mod/sumdb/note</c>, which rekor-tiles and
    /// sigstore-go verify checkpoints with, so that every note they read Verity reads too.
    /// </summary>
    public const int MaxSignatures = 100;

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
        if (FindForbiddenCharacter(envelope) is { } bad)
        {
            error = $"the checkpoint contains the character U+{bad:X4}, which a signed note must not contain";
            return false;
        }

        // The text is separated from the signatures by the last blank line (C2SP signed-note, "Format").
        int split = envelope.LastIndexOf("\n\n", StringComparison.Ordinal);
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

        var lines = block[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the checkpoint has {lines.Length} signature lines, more than the {MaxSignatures} Verity reads");
            return false;
        }

        var signatures = ImmutableArray.CreateBuilder<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                error = "a checkpoint signature line does not start with \"\u2014 \"";
                return false;
            }

            var rest = line[SignaturePrefix.Length..];
            int space = rest.LastIndexOf(' ');
            if (space <= 0 || !IsValidName(rest[..space]))
            {
                error = "a checkpoint signature line is not \"\u2014 name signature\" with a name without spaces or \"+\"";
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

        note = new SignedNote { Text = text, Signatures = signatures.MoveToImmutable() };
        error = null;
        return true;
    }

    /// <summary>
    /// Whether the note is signed by <paramref name="verifier"/>'s key: at least one line with its name and key ID, and every
    /// such line verifying. Lines by other signers are ignored.
    /// </summary>
    /// <param name="verifier">The key.</param>
    /// <param name="problem">Why not, naming the key by name and key ID.</param>
    public bool IsSignedBy(NoteVerifier verifier, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var message = Encoding.UTF8.GetBytes(Text);
        int verified = 0;
        int others = 0;
        foreach (var signature in Signatures)
        {
            if (!verifier.Matches(signature))
            {
                others++;
                continue;
            }

            if (!verifier.Verify(message, signature.Signature.Span))
            {
                problem = $"the signature line under the name {verifier.Name} with key ID {verifier.KeyIdHex} does not verify";
                return false;
            }

            verified++;
        }

        if (verified == 0)
        {
            problem = others == 0
                ? $"no signature line has the name {verifier.Name} and key ID {verifier.KeyIdHex}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"no signature line has the name {verifier.Name} and key ID {verifier.KeyIdHex} ({others} line{(others == 1 ? " is" : "s are")} by other signers)");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Whether the note is signed by <paramref name="log"/>'s key as Rekor v1 signs checkpoints: under the name that starts
    /// the origin line (<c>&lt;host&gt; - &lt;tree ID&gt;</c>, <see cref="RekorV1SignerName"/>) with key ID = the first 4 bytes of
    /// SHA-256 of the key's SubjectPublicKeyInfo, or the trusted root's <c>checkpointKeyId</c>.
    /// </summary>
    public bool IsSignedBy(TransparencyLog log, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Key is not { } key)
        {
            problem = $"the key of {log} cannot be used";
            return false;
        }

        return IsSignedBy(NoteVerifier.RekorV1(key, RekorV1SignerName(Text), log.CheckpointKeyId), out problem);
    }

    /// <summary>
    /// Whether the note is signed by <paramref name="log"/>'s key under the signer name <paramref name="name"/>, as C2SP signed-note
    /// and rekor-tiles (<c>pkg/note</c>) define it for Rekor v2: key ID from the trusted root's <c>checkpointKeyId</c> when it has
    /// one, else computed from the key (<see cref="NoteVerifier.ComputeKeyId"/>).
    /// </summary>
    public bool IsSignedByV2(TransparencyLog log, string name, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(name);
        if (log.Key is not { } key)
        {
            problem = $"the key of {log} cannot be used";
            return false;
        }

        return IsSignedBy(NoteVerifier.RekorV2(key, name, log.CheckpointKeyId), out problem);
    }

    /// <summary>The 4-byte checkpoint key ID of <paramref name="key"/> under <paramref name="name"/> (<see cref="NoteVerifier.ComputeKeyId"/>).</summary>
    public static byte[] CheckpointKeyId(VerificationKey key, string name) => NoteVerifier.ComputeKeyId(key, name);

    /// <summary>
    /// The name Rekor v1 signs a checkpoint under: its host name, which also starts the origin line <c>&lt;host&gt; - &lt;tree ID&gt;</c>
    /// (rekor <c>CreateAndSignCheckpoint</c>); the whole origin when it has no tree ID.
    /// </summary>
    public static string RekorV1SignerName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int end = text.IndexOf('\n', StringComparison.Ordinal);
        var origin = end < 0 ? text : text[..end];
        int dash = origin.LastIndexOf(" - ", StringComparison.Ordinal);
        return dash > 0 && origin.Length > dash + 3 && origin.AsSpan(dash + 3).IndexOfAnyExceptInRange('0', '9') < 0 ? origin[..dash] : origin;
    }

    /// <summary>C2SP signed-note: key names are non-empty and contain no Unicode spaces and no <c>+</c>.</summary>
    private static bool IsValidName(string name)
    {
        return name.Length > 0 && !name.Contains('+', StringComparison.Ordinal) && !name.Any(char.IsWhiteSpace);
    }

    /// <summary>The first character a signed note must not contain (an ASCII control character other than newline, or half a
    /// surrogate pair, which is not UTF-8), or null.</summary>
    private static int? FindForbiddenCharacter(string envelope)
    {
        for (int i = 0; i < envelope.Length; i++)
        {
            char c = envelope[i];
            if (c < 0x20 && c != '\n')
            {
                return c;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < envelope.Length && char.IsLowSurrogate(envelope[i + 1]))
                {
                    i++;
                    continue;
                }

                return c;
            }
        }

        return null;
    }
}
