using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Verity.Core.Images;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// The length and hashes of a file: a metadata file listed in <c>timestamp.meta</c> or <c>snapshot.meta</c>
/// (TUF §4.4 METAFILES), or a target listed in <c>targets.targets</c> (TUF §4.5 TARGETS; in Docker Content
/// Trust the target name is the tag and the file is the image manifest). Notary's <c>data.FileMeta</c>.
/// </summary>
/// <remarks>
/// Hashes are kept as raw bytes, decoded from the base64 that Notary writes. Only <c>sha256</c> and
/// <c>sha512</c> are understood (Notary's <c>CheckHashes</c>); other algorithms are carried but ignored.
/// </remarks>
internal sealed record FileMeta
{
    /// <summary>The length in bytes, if listed.</summary>
    public long? Length { get; init; }

    /// <summary>Hashes by algorithm name (<c>sha256</c>, <c>sha512</c>, …), as raw bytes.</summary>
    public required ImmutableDictionary<string, byte[]> Hashes { get; init; }

    /// <summary>The <c>version</c> field, which Notary does not write but TUF 1.0 does, if listed.</summary>
    public long? Version { get; init; }

    /// <summary>
    /// The target's digest as <c>sha256:</c> + hex of <c>hashes.sha256</c> (how Docker Content Trust names
    /// the manifest a tag is signed for), or null if there is no well-formed sha256 hash.
    /// </summary>
    public Digest? Sha256Digest =>
        Hashes.TryGetValue("sha256", out var hash) && hash.Length == SHA256.HashSizeInBytes ? Digest.FromSha256(hash) : null;

    /// <summary>
    /// Checks <paramref name="content"/> against every understood hash (at least one is required), then,
    /// when <paramref name="compareLength"/> is set and a length is listed, against the length (so content
    /// that was tampered with is reported as a hash mismatch even when its length changed too).
    /// </summary>
    /// <param name="content">The bytes exactly as served.</param>
    /// <param name="description">What the content is, for the message, e.g. <c>snapshot</c>.</param>
    /// <param name="listedBy">The role that lists the hashes, for the message, e.g. <c>timestamp</c>.</param>
    /// <param name="compareLength">Whether a listed length must equal the content's length.</param>
    /// <exception cref="LengthOrHashMismatchException">A hash or the length does not match, or no
    /// understood hash is listed.</exception>
    public void Verify(ReadOnlySpan<byte> content, string description, string listedBy, bool compareLength)
    {
        var checkedAny = false;
        Span<byte> actual = stackalloc byte[SHA512.HashSizeInBytes];
        foreach (var (algorithm, expected) in Hashes)
        {
            int written;
            switch (algorithm)
            {
                case "sha256":
                    written = SHA256.HashData(content, actual);
                    break;
                case "sha512":
                    written = SHA512.HashData(content, actual);
                    break;
                default:
                    continue;
            }

            if (!CryptographicOperations.FixedTimeEquals(actual[..written], expected))
            {
                throw new LengthOrHashMismatchException(
                    $"{description} does not match the {algorithm} hash that {listedBy} lists for it");
            }

            checkedAny = true;
        }

        if (!checkedAny)
        {
            throw new LengthOrHashMismatchException($"{listedBy} lists no sha256 or sha512 hash for {description}");
        }

        if (compareLength && Length is { } length && length != content.Length)
        {
            throw new LengthOrHashMismatchException(
                $"{description} is {content.Length} bytes long, but {listedBy} lists {length}");
        }
    }

    /// <summary>
    /// Whether <paramref name="other"/> lists the same length, version and hashes: a file that matched one listing
    /// matches the other, so metadata verified against one need not be downloaded again for the other.
    /// </summary>
    public bool DescribesSameFileAs(FileMeta other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Length != other.Length || Version != other.Version || Hashes.Count != other.Hashes.Count)
        {
            return false;
        }

        foreach (var (algorithm, hash) in Hashes)
        {
            if (!other.Hashes.TryGetValue(algorithm, out var otherHash) || !hash.AsSpan().SequenceEqual(otherHash))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a FILEMETA object.</summary>
    /// <exception cref="MalformedMetadataException">The object is malformed.</exception>
    public static FileMeta Read(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMetadataException($"{where} is not an object");
        }

        long? length = element.TryGetProperty("length", out var lengthElement)
            ? MetadataReader.ReadInt64(lengthElement, where + ".length")
            : null;
        if (length < 0)
        {
            throw new MalformedMetadataException($"{where}.length is negative");
        }

        long? version = element.TryGetProperty("version", out var versionElement)
            ? MetadataReader.ReadInt64(versionElement, where + ".version")
            : null;

        var hashes = ImmutableDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        if (element.TryGetProperty("hashes", out var hashesElement) && hashesElement.ValueKind != JsonValueKind.Null)
        {
            if (hashesElement.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedMetadataException($"{where}.hashes is not an object");
            }

            foreach (var hash in hashesElement.EnumerateObject())
            {
                var value = MetadataReader.ReadBase64(hash.Value, $"{where}.hashes.{hash.Name}");
                var expectedSize = hash.Name switch
                {
                    "sha256" => SHA256.HashSizeInBytes,
                    "sha512" => SHA512.HashSizeInBytes,
                    _ => value.Length,
                };
                if (value.Length != expectedSize)
                {
                    // Notary's CheckValidHashStructures: a hash of the wrong size is invalid metadata.
                    throw new MalformedMetadataException($"{where}.hashes.{hash.Name} has {value.Length} bytes, not {expectedSize}");
                }

                hashes[hash.Name] = value;
            }
        }

        return new FileMeta { Length = length, Hashes = hashes.ToImmutable(), Version = version };
    }
}
