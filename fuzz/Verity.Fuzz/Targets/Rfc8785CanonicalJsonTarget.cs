using Verity.Validators.Cosign.Json;

namespace Verity.Fuzz.Targets;

/// <summary>The JSON Canonicalization Scheme (RFC 8785) the Rekor checks use, with its defining property: idempotence.</summary>
internal sealed class Rfc8785CanonicalJsonTarget : FuzzTarget
{
    public override string Name => "canonical-json-rfc8785";

    public override string EntryPoint => "Rfc8785CanonicalJson.Canonicalize";

    public override string Outcomes => "the canonical bytes, which canonicalise to themselves, or a FormatException";

    public override string Dictionary => "json";

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte[] canonical;
        try
        {
            canonical = Rfc8785CanonicalJson.Canonicalize(input.ToArray());
        }
        catch (FormatException)
        {
            return;
        }

        byte[] again;
        try
        {
            again = Rfc8785CanonicalJson.Canonicalize(canonical);
        }
        catch (FormatException e)
        {
            throw new FuzzInvariantException($"the canonical form does not parse: {e.Message}", e);
        }

        if (!again.AsSpan().SequenceEqual(canonical))
        {
            throw new FuzzInvariantException("the canonical form is not canonical: canonicalising it again changes it");
        }
    }
}
