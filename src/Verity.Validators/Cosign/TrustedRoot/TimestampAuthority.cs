using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// An RFC 3161 timestamp authority: root, intermediates, optionally the signing (leaf) certificate, and the
/// window in which its timestamps count (<c>timestampAuthorities</c> in the Sigstore trusted root).
/// </summary>
internal sealed class TimestampAuthority
{
    /// <summary>Creates the authority.</summary>
    public TimestampAuthority(X509Certificate2 root, ImmutableArray<X509Certificate2> intermediates, X509Certificate2? leaf, ValidityPeriod validity, string? uri)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        Intermediates = intermediates.IsDefault ? [] : intermediates;
        Leaf = leaf;
        Validity = validity;
        Uri = uri;
    }

    /// <summary>The trust anchor.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Intermediate CAs.</summary>
    public ImmutableArray<X509Certificate2> Intermediates { get; }

    /// <summary>The TSA's signing certificate, when the trusted root names it (tokens often omit it).</summary>
    public X509Certificate2? Leaf { get; }

    /// <summary>When the authority's timestamps count.</summary>
    public ValidityPeriod Validity { get; }

    /// <summary>The authority's URL, for messages.</summary>
    public string? Uri { get; }

    /// <summary>Who runs the authority (trusted root v0.2 <c>operator</c>, a scheme-less URI such as <c>sigstore.dev</c>), or null.</summary>
    public string? Operator { get; init; }

    /// <summary>Every certificate of this authority that may be needed to find and chain a token's signer.</summary>
    public IEnumerable<X509Certificate2> Candidates()
    {
        if (Leaf is not null)
        {
            yield return Leaf;
        }

        foreach (var intermediate in Intermediates)
        {
            yield return intermediate;
        }
    }
}
