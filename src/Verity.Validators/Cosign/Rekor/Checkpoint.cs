using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Verity.Validators.Cosign.Rekor;

/// <summary>
/// The body of a log checkpoint (transparency-dev "checkpoint" format): origin, tree size and root hash,
/// then optional extension lines (Rekor writes <c>Timestamp: …</c>).
/// </summary>
/// <param name="Origin">The log's origin line, e.g. <c>rekor.sigstore.dev - 1193050959916656506</c>.</param>
/// <param name="Size">The tree size.</param>
/// <param name="RootHash">The 32-byte root hash.</param>
/// <param name="Extensions">The remaining lines.</param>
internal sealed record Checkpoint(string Origin, ulong Size, ReadOnlyMemory<byte> RootHash, ImmutableArray<string> Extensions)
{
    /// <summary>Reads the signed text of a note as a checkpoint.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out Checkpoint? checkpoint, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        checkpoint = null;
        var lines = text.TrimEnd('\n').Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0)
        {
            error = "the checkpoint needs an origin, a size and a root hash";
            return false;
        }

        if (lines[1].Length == 0 || (lines[1].Length > 1 && lines[1][0] == '0') || !lines[1].All(char.IsAsciiDigit)
            || !ulong.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            error = $"the checkpoint size \"{lines[1]}\" is not a decimal number";
            return false;
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            error = "the checkpoint root hash is not base64";
            return false;
        }

        if (root.Length != MerkleTree.HashSize)
        {
            error = "the checkpoint root hash does not have 32 bytes";
            return false;
        }

        if (Array.IndexOf(lines, string.Empty, 3) >= 0)
        {
            // C2SP tlog-checkpoint, "Note text": extension lines, if any, must be non-empty.
            error = "the checkpoint has an empty extension line";
            return false;
        }

        checkpoint = new Checkpoint(lines[0], size, root, [.. lines[3..]]);
        error = null;
        return true;
    }
}
