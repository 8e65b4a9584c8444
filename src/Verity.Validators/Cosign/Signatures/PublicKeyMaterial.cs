namespace Verity.Validators.Cosign.Signatures;

/// <summary>A signature made with a key; the signer names it only by an optional, untrusted hint.</summary>
/// <param name="Hint">The bundle's <c>publicKey.hint</c>, informational only.</param>
internal sealed record PublicKeyMaterial(string? Hint) : VerificationMaterial;
