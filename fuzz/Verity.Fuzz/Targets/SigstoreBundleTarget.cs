using Verity.Validators.Cosign.Evidence;
using Verity.Validators.Cosign.Signatures;

namespace Verity.Fuzz.Targets;

/// <summary>
/// A Sigstore bundle as the cosign validator reads one from an OCI referrer: the input is the bundle JSON, then
/// optionally a NUL byte and the simple-signing payload the bundle's message signature covers.
/// </summary>
internal sealed class SigstoreBundleTarget : FuzzTarget
{
    public override string Name => "sigstore-bundle";

    public override string EntryPoint => "SigstoreBundleReader.TryRead (bundle, DSSE envelope, verification material, tlog entries, timestamps)";

    public override string Outcomes => "true with a signed entity, or false with an error";

    public override string Dictionary => "sigstore";

    public override void Run(ReadOnlySpan<byte> input)
    {
        int nul = input.IndexOf((byte)0);
        var blob = nul < 0
            ? new SigstoreBundleBlob(input.ToArray())
            : new SigstoreBundleBlob(input[..nul].ToArray(), input[(nul + 1)..].ToArray());
        if (!SigstoreBundleReader.TryRead(blob, "fuzz", CosignLimits.Default, out _, out var error) && string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("TryRead failed without an error message");
        }
    }
}
