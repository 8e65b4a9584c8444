using System.Text;
using System.Text.Json;

namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Shared JSON settings for reading TUF metadata.</summary>
internal static class MetadataJson
{
    /// <summary>
    /// Document options for metadata: strict JSON (no comments, no trailing commas), no duplicate member
    /// names anywhere (a duplicate would let two readers see two different documents), modest nesting.
    /// </summary>
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
        AllowDuplicateProperties = false,
    };

    /// <summary>UTF-8 that throws on unpaired surrogates instead of substituting.</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
