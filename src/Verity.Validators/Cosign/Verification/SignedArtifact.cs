namespace Verity.Validators.Cosign.Verification;

/// <summary>What a verified digest names, which decides how a signature must be bound to it.</summary>
internal enum SignedArtifact
{
    /// <summary>
    /// An image manifest: a message signature must sign a cosign simple-signing payload that names the digest (a
    /// signature over the bare digest does not say it signs an image), and an in-toto statement must name the digest
    /// as a subject and have an accepted predicate type (<see cref="CosignVerificationOptions.Accepts"/>).
    /// </summary>
    Image,

    /// <summary>
    /// Any artifact (a file checked with <c>verify-bundle</c>): a message signature over the digest itself binds, and
    /// a statement of any predicate type that names the digest.
    /// </summary>
    Blob,
}
