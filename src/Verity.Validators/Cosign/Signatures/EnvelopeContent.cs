using Verity.Validators.Cosign.Dsse;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>A DSSE envelope with exactly one signature (as Sigstore bundles carry them).</summary>
/// <param name="Envelope">The envelope.</param>
internal sealed record EnvelopeContent(DsseEnvelope Envelope) : SignatureContent
{
    /// <inheritdoc/>
    public override ReadOnlyMemory<byte> Signature => Envelope.Signatures[0];
}
