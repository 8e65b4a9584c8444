using Verity.Core.Images;

namespace Verity.Fuzz.Targets;

/// <summary>The image-reference parser, with the invariants policy matching and digest pinning rely on.</summary>
internal sealed class ImageReferenceTarget : FuzzTarget
{
    private static readonly Digest Pin = Digest.Compute("verity fuzz"u8);

    public override string Name => "image-reference";

    public override string EntryPoint => "ImageReference.TryParse, ImageReference.Parse, PinnedTo, WithDigest";

    public override string Outcomes =>
        "TryParse: false with an error, or a reference whose canonical form parses back to an equal reference; Parse: FormatException";

    public override string Dictionary => "image-reference";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var text = FuzzInput.Text(input);
        if (!ImageReference.TryParse(text, out var image, out var error))
        {
            if (string.IsNullOrEmpty(error))
            {
                throw new FuzzInvariantException("TryParse failed without an error message");
            }

            try
            {
                ImageReference.Parse(text);
                throw new FuzzInvariantException($"Parse accepted \"{text}\", which TryParse refused");
            }
            catch (FormatException)
            {
            }

            return;
        }

        // Policy rules and the verdict cache work on the canonical form, and the patch writes it: it must mean the same image.
        Reparse(image, image.Canonical);
        Reparse(image.PinnedTo(Pin), image.PinnedTo(Pin).Canonical);
        Reparse(image.WithDigest(Pin), image.WithDigest(Pin).Canonical);
    }

    private static void Reparse(ImageReference expected, string canonical)
    {
        if (!ImageReference.TryParse(canonical, out var again, out var error))
        {
            throw new FuzzInvariantException($"the canonical form \"{canonical}\" of \"{expected.Original}\" does not parse: {error}");
        }

        if (!again.Equals(expected) || again.Canonical != canonical || again.Registry != expected.Registry
            || again.Repository != expected.Repository || again.Tag != expected.Tag || again.Digest != expected.Digest)
        {
            throw new FuzzInvariantException($"\"{canonical}\" parses to \"{again.Canonical}\", another image than \"{expected.Original}\"");
        }
    }
}
