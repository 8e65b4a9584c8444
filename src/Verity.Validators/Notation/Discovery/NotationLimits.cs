namespace Verity.Validators.Notation.Discovery;

/// <summary>Bounds on what one image's notation signatures may cost to fetch.</summary>
public sealed record NotationLimits
{
    /// <summary>The defaults.</summary>
    public static NotationLimits Default { get; } = new();

    /// <summary>The most signature artifacts looked at per image (notation's <c>MaxSignatureAttempts</c> is 10 in Connaisseur).</summary>
    public int MaxSignatures { get; init; } = 10;

    /// <summary>The largest envelope accepted.</summary>
    public int MaxEnvelopeBytes { get; init; } = 256 * 1024;

    /// <summary>The most envelope bytes fetched per image, all signatures together.</summary>
    public long MaxTotalBytes { get; init; } = 1024 * 1024;
}
