using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// Builds and checks an X.509 path (RFC 5280 §6) from a leaf to one trust anchor at a given instant, offline.
/// </summary>
/// <remarks>
/// Sigstore's "hybrid model": a certificate counts if every certificate of the path was valid at the time
/// the signature was observed (a verified log integration time or timestamp), not at the time of checking.
/// No revocation checks and no certificate downloads (AIA) are made: the path is built from the given
/// certificates only. The anchor is the only trusted certificate; the extra certificates are untrusted
/// candidates for intermediates and must themselves chain to the anchor.
/// </remarks>
internal static class CertificateChain
{
    /// <summary>The extended key usage of code signing (RFC 5280 §4.2.1.12), required of Fulcio paths.</summary>
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    /// <summary>The extended key usage of time stamping (RFC 3161 §2.3), required of TSA paths.</summary>
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    /// <summary>Builds the path from <paramref name="leaf"/> to <paramref name="anchor"/> valid at <paramref name="at"/>.</summary>
    /// <returns>The path, leaf first and anchor last; or false with the reason.</returns>
    public static bool TryBuild(
        X509Certificate2 leaf,
        X509Certificate2 anchor,
        IEnumerable<X509Certificate2> untrusted,
        DateTimeOffset at,
        string requiredEku,
        out ImmutableArray<X509Certificate2> path,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(untrusted);
        path = [];
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(anchor);
        foreach (var candidate in untrusted)
        {
            policy.ExtraStore.Add(candidate);
        }

        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = at.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(requiredEku));

        bool built;
        try
        {
            built = chain.Build(leaf);
        }
        catch (CryptographicException e)
        {
            error = $"the certificate path cannot be built: {e.Message}";
            return false;
        }

        if (!built)
        {
            var problems = chain.ChainStatus
                .Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => Describe(s.Status, at))
                .Distinct()
                .ToList();
            error = problems.Count == 0 ? "the certificate does not chain to the trusted root" : string.Join("; ", problems);
            return false;
        }

        var elements = chain.ChainElements.Select(e => e.Certificate).ToImmutableArray();
        if (!elements[^1].RawDataMemory.Span.SequenceEqual(anchor.RawDataMemory.Span))
        {
            error = "the certificate path does not end at the trusted root";
            return false;
        }

        path = elements;
        error = null;
        return true;
    }

    private static string Describe(X509ChainStatusFlags status, DateTimeOffset at) => status switch
    {
        X509ChainStatusFlags.NotTimeValid => string.Create(CultureInfo.InvariantCulture, $"a certificate of the path was not valid at {at:u}"),
        X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot => "the certificate does not chain to the trusted root",
        X509ChainStatusFlags.NotValidForUsage => "the certificate path does not allow the required extended key usage",
        X509ChainStatusFlags.NotSignatureValid => "a certificate of the path has an invalid signature",
        X509ChainStatusFlags.InvalidBasicConstraints => "an issuer of the path is not a CA",
        _ => $"the certificate path is invalid ({status})",
    };
}
