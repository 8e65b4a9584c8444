using Verity.Core.Images;
using Verity.Validators.Cosign.Dsse;
using Verity.Validators.Cosign.Json;

namespace Verity.Fuzz.Targets;

/// <summary>
/// A DSSE envelope and the in-toto statement it carries, as the cosign validator reads attestations: the input is an
/// envelope (its payload is read as a statement) or, when it is not one, a statement.
/// </summary>
internal sealed class DsseTarget : FuzzTarget
{
    private static readonly Digest Subject = Digest.Compute("verity fuzz"u8);

    public override string Name => "dsse";

    public override string EntryPoint => "DsseEnvelope.Read, DsseEnvelope.SignedBytes (PAE), InTotoStatement.Parse, InTotoStatement.HasSubject";

    public override string Outcomes => "an envelope and statement, or a FormatException";

    public override string Dictionary => "sigstore";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        try
        {
            DsseEnvelope envelope;
            using (var document = JsonInput.Parse(bytes, "the envelope"))
            {
                try
                {
                    envelope = DsseEnvelope.Read(document.RootElement, "envelope");
                }
                catch (FormatException)
                {
                    InTotoStatement.Parse(bytes).HasSubject(Subject);
                    return;
                }
            }

            envelope.SignedBytes();
            InTotoStatement.Parse(envelope.Payload).HasSubject(Subject);
        }
        catch (FormatException)
        {
        }
    }
}
