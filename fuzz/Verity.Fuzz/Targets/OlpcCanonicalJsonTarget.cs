using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Fuzz.Targets;

/// <summary>Canonical JSON as Notary signs it (OLPC rules), over any bytes a server could send.</summary>
internal sealed class OlpcCanonicalJsonTarget : FuzzTarget
{
    public override string Name => "canonical-json-olpc";

    public override string EntryPoint => "OlpcCanonicalJson.Serialize";

    public override string Outcomes => "the canonical bytes, or a FormatException";

    public override string Dictionary => "json";

    public override void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var canonical = OlpcCanonicalJson.Serialize(input.ToArray());
            if (canonical.Length == 0)
            {
                throw new FuzzInvariantException("an empty canonical form");
            }
        }
        catch (FormatException)
        {
        }
    }
}
