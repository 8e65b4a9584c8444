namespace Verity.Validators.Cosign.Verification;

/// <summary>A signature that does not count for a trust root, and why.</summary>
internal sealed record RejectedSignature : SignatureVerdict
{
    /// <summary>Creates the verdict.</summary>
    public RejectedSignature(string trustRoot, string source, string reason)
        : base(trustRoot, source)
    {
        Reason = reason;
    }

    /// <summary>Why, as a clause: <c>the signature does not verify with the key of trust root "alice"</c>.</summary>
    public string Reason { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Source}: {Reason}";
}
