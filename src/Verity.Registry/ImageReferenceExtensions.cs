using Verity.Core.Images;

namespace Verity.Registry;

/// <summary>Derived references for registry lookups.</summary>
public static class ImageReferenceExtensions
{
    /// <summary>
    /// The image <c>registry/repository:tag</c> in the same repository, e.g. the cosign signature tag
    /// <c>sha256-&lt;hex&gt;.sig</c>.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="tag"/> is not a valid tag.</exception>
    public static ImageReference WithTag(this ImageReference image, string tag)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        if (tag.AsSpan().ContainsAny('/', '@', ':'))
        {
            throw new FormatException($"\"{tag}\" is not a valid tag");
        }

        return ImageReference.Parse(image.Name + ":" + tag);
    }
}
