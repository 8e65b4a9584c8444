using Verity.Validators.Cosign.Signatures;

namespace Verity.Fuzz.Targets;

/// <summary>The cosign simple-signing payload a signature covers (read before the signature is trusted for anything).</summary>
internal sealed class SimpleSigningTarget : FuzzTarget
{
    public override string Name => "simple-signing";

    public override string EntryPoint => "SimpleSigningPayload.TryParse";

    public override string Outcomes => "true with a payload, or false with an error";

    public override string Dictionary => "json";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (!SimpleSigningPayload.TryParse(input.ToArray(), out _, out var error) && string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("TryParse failed without an error message");
        }
    }
}
