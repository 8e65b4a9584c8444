using System.Security.Cryptography;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// A signature over an artifact's bytes (<c>dev.sigstore.common.v1.MessageSignature</c>; a cosign <c>.sig</c>
/// layer signs its payload blob this way).
/// </summary>
internal sealed record MessageSignatureContent : SignatureContent
{
    /// <summary>The signature bytes.</summary>
    public required ReadOnlyMemory<byte> SignatureBytes { get; init; }

    /// <summary>The signed artifact, when it was supplied (a cosign payload); null when only its digest is known.</summary>
    public ReadOnlyMemory<byte>? Artifact { get; init; }

    /// <summary>The hash algorithm of <see cref="ArtifactDigest"/>.</summary>
    public required HashAlgorithmName DigestAlgorithm { get; init; }

    /// <summary>The digest of the signed artifact (computed from <see cref="Artifact"/> when it is known).</summary>
    public required ReadOnlyMemory<byte> ArtifactDigest { get; init; }

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte> Signature => SignatureBytes;
}
