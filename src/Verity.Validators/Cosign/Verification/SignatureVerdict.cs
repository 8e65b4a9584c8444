namespace Verity.Validators.Cosign.Verification;

/// <summary>
/// What one signature proved about one trust root: <see cref="VerifiedSignature"/> or <see cref="RejectedSignature"/>.
/// </summary>
internal abstract record SignatureVerdict
{
    private protected SignatureVerdict(string trustRoot, string source)
    {
        TrustRoot = trustRoot;
        Source = source;
    }

    /// <summary>The trust root the signature was checked against.</summary>
    public string TrustRoot { get; }

    /// <summary>Which signature, e.g. <c>layer 1</c> or <c>bundle 2</c>.</summary>
    public string Source { get; }
}
