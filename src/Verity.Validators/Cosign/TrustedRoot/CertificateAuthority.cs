using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// A Fulcio certificate authority: a root, its intermediates and the window in which it may issue
/// (<c>CertificateAuthority</c> in the Sigstore trusted root).
/// </summary>
internal sealed class CertificateAuthority
{
    /// <summary>Creates the authority.</summary>
    public CertificateAuthority(X509Certificate2 root, ImmutableArray<X509Certificate2> intermediates, ValidityPeriod validity, string? uri)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        Intermediates = intermediates.IsDefault ? [] : intermediates;
        Validity = validity;
        Uri = uri;
    }

    /// <summary>The trust anchor.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Intermediates that belong to this authority (trusted to be candidates, still checked).</summary>
    public ImmutableArray<X509Certificate2> Intermediates { get; }

    /// <summary>When the authority may have issued certificates.</summary>
    public ValidityPeriod Validity { get; }

    /// <summary>The authority's URL, for messages.</summary>
    public string? Uri { get; }

    /// <summary>Who runs the authority (trusted root v0.2 <c>operator</c>, a scheme-less URI such as <c>sigstore.dev</c>), or null.</summary>
    public string? Operator { get; init; }

    /// <summary>
    /// Checks that <paramref name="leaf"/> chains to this authority with code-signing usage at
    /// <paramref name="at"/>, and that the authority was valid then.
    /// </summary>
    public bool TryVerify(
        X509Certificate2 leaf,
        IEnumerable<X509Certificate2> untrustedIntermediates,
        DateTimeOffset at,
        out ImmutableArray<X509Certificate2> path,
        [NotNullWhen(false)] out string? error)
    {
        path = [];
        if (!Validity.Contains(at))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the certificate authority {Root.Subject} was not valid at {at:u} (valid {Validity})");
            return false;
        }

        return CertificateChain.TryBuild(leaf, Root, Intermediates.Concat(untrustedIntermediates), at, CertificateChain.CodeSigningEku, out path, out error);
    }
}
