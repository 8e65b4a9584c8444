namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Choices in how strictly <see cref="TrustedMetadataSet"/> reads a collection.</summary>
internal sealed record TufVerificationOptions
{
    /// <summary>The defaults: strict.</summary>
    public static TufVerificationOptions Default { get; } = new();

    /// <summary>
    /// Whether a <c>length</c> listed in <c>timestamp.meta</c> or <c>snapshot.meta</c> must equal the length
    /// of the bytes received, as python-tuf's <c>verify_length_and_hashes</c> requires. Default: true.
    /// </summary>
    /// <remarks>
    /// Turning this off does not weaken integrity: the sha256 (and sha512, when listed) of the bytes must
    /// still match, and they pin the content. The TUF specification uses the length only as a download
    /// bound (TUF §5.5.1, §5.6.1), and Notary's <c>CheckHashes</c>, which Connaisseur uses, ignores it. Off
    /// reproduces Connaisseur's verdicts on hand-edited trust data whose listed lengths went stale.
    /// </remarks>
    public bool CompareListedLengths { get; init; } = true;

    /// <summary>
    /// How many delegation levels below <c>targets</c> may be followed (<c>targets/a</c> is 1,
    /// <c>targets/a/b</c> is 2). Connaisseur follows 1. Default: 4.
    /// </summary>
    public int MaxDelegationDepth { get; init; } = 4;

    /// <summary>
    /// Whether root may be signed by root keys that are not certificates issued for the collection (CN = GUN).
    /// Default: false, as Notary's client (<c>trustpinning.ValidateRoot</c>); Connaisseur does not check it.
    /// </summary>
    /// <remarks>
    /// Unsafe: with it on, trust data published for one collection verifies as that of any other collection whose root
    /// the same pinned key signs (a GUN swap). Not reachable from configuration; it exists to replay Connaisseur's
    /// hand-made fixtures, whose root certificates name <c>securesystems.de</c> or another repository.
    /// </remarks>
    public bool AllowRootCertificateForOtherCollectionUnsafe { get; init; }
}
