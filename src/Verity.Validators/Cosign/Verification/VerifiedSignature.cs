using Verity.Core.Images;

namespace Verity.Validators.Cosign.Verification;

/// <summary>A signature that a trust root vouches for, over the image's digest.</summary>
internal sealed record VerifiedSignature : SignatureVerdict
{
    /// <summary>Creates the verdict.</summary>
    public VerifiedSignature(string trustRoot, string source, Digest digest, string signer)
        : base(trustRoot, source)
    {
        Digest = digest;
        Signer = signer;
    }

    /// <summary>The manifest digest the signature is over (always the image's own digest).</summary>
    public Digest Digest { get; }

    /// <summary>Who signed: the key, or the certificate identity.</summary>
    public string Signer { get; }

    /// <summary>The verified signing times and where they came from, e.g. <c>Rekor entry 42 …</c>, if any.</summary>
    public string? Evidence { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Source} verified by trust root \"{TrustRoot}\" ({Signer})";
}
