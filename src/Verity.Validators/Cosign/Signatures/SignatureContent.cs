namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// What was signed and the signature over it: a <see cref="MessageSignatureContent"/> or an
/// <see cref="EnvelopeContent"/> (sigstore-go <c>verify.SignatureContent</c>).
/// </summary>
internal abstract record SignatureContent
{
    private protected SignatureContent()
    {
    }

    /// <summary>The raw signature bytes (what Rekor logs and RFC 3161 timestamps cover).</summary>
    public abstract ReadOnlyMemory<byte> Signature { get; }
}
