using Verity.Validators.Cosign.Rekor;

namespace Verity.Fuzz.Targets;

/// <summary>
/// What a transparency log entry carries besides signatures: the checkpoint (a signed note) of an inclusion proof and
/// the canonicalized entry body, read as <c>TransparencyLogVerifier</c> reads them.
/// </summary>
internal sealed class RekorTarget : FuzzTarget
{
    public override string Name => "rekor";

    public override string EntryPoint => "SignedNote.TryParse, Checkpoint.TryParse, RekorEntryBody.TryParse";

    public override string Outcomes => "true with the value, or false with an error";

    public override string Dictionary => "sigstore";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var text = FuzzInput.Text(input);
        if (SignedNote.TryParse(text, out var note, out var error))
        {
            if (!Checkpoint.TryParse(note.Text, out _, out error) && string.IsNullOrEmpty(error))
            {
                throw new FuzzInvariantException("Checkpoint.TryParse failed without an error message");
            }
        }
        else if (string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("SignedNote.TryParse failed without an error message");
        }

        if (!RekorEntryBody.TryParse(input.ToArray(), out _, out error) && string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("RekorEntryBody.TryParse failed without an error message");
        }
    }
}
