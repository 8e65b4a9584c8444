namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// What a signature says about its signer: a <see cref="PublicKeyMaterial"/> (a key the verifier must already
/// trust) or a <see cref="CertificateMaterial"/> (a Fulcio certificate to be chained and matched).
/// </summary>
internal abstract record VerificationMaterial
{
    private protected VerificationMaterial()
    {
    }
}
