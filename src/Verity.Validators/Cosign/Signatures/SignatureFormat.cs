namespace Verity.Validators.Cosign.Signatures;

/// <summary>Where a signature came from, which decides a few defaults (hash, timestamps).</summary>
internal enum SignatureFormat
{
    /// <summary>A layer of a cosign <c>sha256-&lt;hex&gt;.sig</c> manifest, with its annotations.</summary>
    CosignLayer,

    /// <summary>A Sigstore bundle (v0.1 to v0.3), e.g. an OCI referrer.</summary>
    Bundle,
}
