using Verity.Validators.Cosign.Dsse;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>A DSSE envelope with exactly one signature (as Sigstore bundles and cosign <c>.att</c> layers carry them).</summary>
/// <param name="Envelope">The envelope.</param>
internal sealed record EnvelopeContent(DsseEnvelope Envelope) : SignatureContent
{
    /// <summary>
    /// The envelope's JSON exactly as the signer wrote it (the blob of a cosign <c>.att</c> layer, which is what cosign
    /// submits to Rekor as an <c>intoto</c> entry and what that entry's envelope hash is over), or null when the envelope
    /// came re-encoded inside a Sigstore bundle.
    /// </summary>
    public ReadOnlyMemory<byte>? RawEnvelope { get; init; }

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte> Signature => Envelope.Signatures[0];
}
