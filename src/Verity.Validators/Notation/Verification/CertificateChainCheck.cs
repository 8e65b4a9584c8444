using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Notation.Verification;

/// <summary>
/// The certificate rules of the Notary Project signature specification ("Certificate Requirements"): the
/// <c>x5chain</c> is leaf first and ends at a self-signed root, each certificate signed by the next; CA
/// certificates have <c>cA: true</c>; the leaf is no CA, has the <c>digitalSignature</c> key usage (and not
/// <c>keyCertSign</c>), and an extended key usage, if present, that includes code signing.
/// </summary>
/// <remarks>Validity periods are not checked here (they depend on the signing time); revocation is never checked.</remarks>
internal static class CertificateChainCheck
{
    private const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    private const int MaxChainLength = 10;

    /// <summary>Why the chain is malformed, or null when it is well formed.</summary>
    public static string? FindProblem(IReadOnlyList<X509Certificate2> chain)
    {
        if (chain.Count == 0)
        {
            return "the signature has no certificate chain";
        }

        if (chain.Count > MaxChainLength)
        {
            return $"the certificate chain has {chain.Count} certificates, more than {MaxChainLength}";
        }

        var leaf = chain[0];
        if (Constraints(leaf) is { CertificateAuthority: true })
        {
            return $"the signing certificate \"{leaf.Subject}\" is a CA certificate";
        }

        var usage = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is null || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature) || usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            return $"the signing certificate \"{leaf.Subject}\" lacks the digitalSignature key usage (or may sign certificates)";
        }

        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is not null && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == CodeSigning))
        {
            return $"the signing certificate \"{leaf.Subject}\" is not for code signing (extended key usage without codeSigning)";
        }

        for (var i = 1; i < chain.Count; i++)
        {
            if (Constraints(chain[i]) is not { CertificateAuthority: true })
            {
                return $"the certificate \"{chain[i].Subject}\" signs \"{chain[i - 1].Subject}\" but is not a CA certificate";
            }
        }

        var root = chain[^1];
        if (!root.SubjectName.RawData.AsSpan().SequenceEqual(root.IssuerName.RawData))
        {
            return $"the certificate chain does not end at a self-signed root (it ends at \"{root.Subject}\", issued by \"{root.Issuer}\")";
        }

        using var x509 = new X509Chain();
        x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        x509.ChainPolicy.CustomTrustStore.Add(root);
        for (var i = 1; i < chain.Count - 1; i++)
        {
            x509.ChainPolicy.ExtraStore.Add(chain[i]);
        }

        x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        x509.ChainPolicy.DisableCertificateDownloads = true;
        x509.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        if (!x509.Build(leaf))
        {
            var status = string.Join("; ", x509.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"the certificate chain of \"{leaf.Subject}\" does not verify: {status}";
        }

        if (x509.ChainElements.Count != chain.Count
            || !x509.ChainElements.Select(e => e.Certificate.RawData).Zip(chain, (a, b) => a.AsSpan().SequenceEqual(b.RawData)).All(x => x))
        {
            return "the certificate chain is not in order from leaf to root";
        }

        return null;
    }

    /// <summary>The first certificate of the chain that is not valid at <paramref name="time"/>, or null.</summary>
    public static X509Certificate2? FirstInvalidAt(IReadOnlyList<X509Certificate2> chain, DateTimeOffset time) =>
        chain.FirstOrDefault(c => time < c.NotBefore.ToUniversalTime() || time > c.NotAfter.ToUniversalTime());

    private static X509BasicConstraintsExtension? Constraints(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
}
