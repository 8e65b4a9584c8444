using System.Collections.Immutable;
using System.Text;
using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign.Signatures;

namespace Verity.Fuzz.Targets;

/// <summary>
/// A layer of a cosign signature manifest (<c>sha256-…​.sig</c>): NUL-separated, the payload blob, then each
/// annotation as its name, a newline and its value (signature, certificate and chain PEM, Rekor bundle, RFC 3161
/// timestamp).
/// </summary>
internal sealed class CosignLayerTarget : FuzzTarget
{
    public override string Name => "cosign-layer";

    public override string EntryPoint => "CosignLayerReader.TryRead (annotations, certificates, Rekor bundle, timestamp)";

    public override string Outcomes => "true with a signed entity, or false with an error";

    public override string Dictionary => "sigstore";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var sections = FuzzInput.Split(input, 0);
        var annotations = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var section in sections.Skip(1))
        {
            var text = Encoding.UTF8.GetString(section);
            int newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline > 0)
            {
                annotations[text[..newline]] = text[(newline + 1)..];
            }
        }

        var layer = new CosignSignatureLayer(annotations.ToImmutable(), sections[0], CosignSignatureLayer.SimpleSigningMediaType);
        if (!CosignLayerReader.TryRead(layer, "fuzz", CosignLimits.Default, out _, out var error) && string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("TryRead failed without an error message");
        }
    }
}
