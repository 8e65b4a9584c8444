using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Notation.Verification;

/// <summary>
/// The certificate rules of the Notary Project signature specification ("Certificate Requirements"), as
/// notation-core-go's <c>ValidateCodeSigningCertChain</c> and <c>ValidateTimestampingCertChain</c> apply them: the
/// chain is leaf first and ends at a self-signed root, each certificate signed by the next and none signed with SHA-1;
/// CA certificates have <c>cA: true</c> and a key usage with <c>keyCertSign</c>; the leaf is no CA and has a key usage
/// of <c>digitalSignature</c> only. A code-signing leaf's key usage is critical, and its extended key usage, if
/// present, has none of serverAuth, clientAuth, emailProtection, timeStamping, OCSPSigning and anyExtendedKeyUsage
/// and (Verity, decision 15) includes codeSigning; a timestamping leaf's extended key usage is timeStamping only,
/// critical. A chain of one self-signed certificate meets the leaf rules only.
/// </summary>
/// <remarks>Validity periods are not checked here (they depend on the signing time); revocation is never checked.</remarks>
internal static class CertificateChainCheck
{
    private const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    private const string TimeStamping = "1.3.6.1.5.5.7.3.8";
    private const int MaxChainLength = 10;

    private static readonly Dictionary<string, string> ForbiddenCodeSigningEkus = new(StringComparer.Ordinal)
    {
        ["2.5.29.37.0"] = "anyExtendedKeyUsage",
        ["1.3.6.1.5.5.7.3.1"] = "serverAuth",
        ["1.3.6.1.5.5.7.3.2"] = "clientAuth",
        ["1.3.6.1.5.5.7.3.4"] = "emailProtection",
        [TimeStamping] = "timeStamping",
        ["1.3.6.1.5.5.7.3.9"] = "OCSPSigning",
    };

    private static readonly (X509KeyUsageFlags Flag, string Name)[] ForbiddenLeafUsages =
    [
        (X509KeyUsageFlags.KeyEncipherment, "keyEncipherment"),
        (X509KeyUsageFlags.DataEncipherment, "dataEncipherment"),
        (X509KeyUsageFlags.KeyAgreement, "keyAgreement"),
        (X509KeyUsageFlags.KeyCertSign, "keyCertSign"),
        (X509KeyUsageFlags.CrlSign, "cRLSign"),
        (X509KeyUsageFlags.EncipherOnly, "encipherOnly"),
        (X509KeyUsageFlags.DecipherOnly, "decipherOnly"),
    ];

    // Signature algorithms the specification forbids ("MUST NOT use SHA1WithRSA and ECDSAWithSHA1"), and older ones.
    private static readonly Dictionary<string, string> WeakSignatureAlgorithms = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.5"] = "SHA-1 (sha1RSA)",
        ["1.2.840.10045.4.1"] = "SHA-1 (sha1ECDSA)",
        ["1.2.840.10040.4.3"] = "SHA-1 (sha1DSA)",
        ["1.3.14.3.2.29"] = "SHA-1 (sha1RSA)",
        ["1.2.840.113549.1.1.4"] = "MD5 (md5RSA)",
        ["1.2.840.113549.1.1.2"] = "MD2 (md2RSA)",
    };

    /// <summary>Why the code-signing chain is malformed, or null when it is well formed.</summary>
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

        if (LeafUsageProblem(leaf, "the signing certificate", "a code-signing certificate", requireCritical: true) is { } usageProblem)
        {
            return usageProblem;
        }

        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is not null)
        {
            var oids = eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
            if (oids.FirstOrDefault(o => o is not null && ForbiddenCodeSigningEkus.ContainsKey(o)) is { } forbidden)
            {
                return $"the signing certificate \"{leaf.Subject}\" has the extended key usage {ForbiddenCodeSigningEkus[forbidden]}, which a code-signing certificate must not have";
            }

            if (!oids.Contains(CodeSigning))
            {
                return $"the signing certificate \"{leaf.Subject}\" is not for code signing (extended key usage without codeSigning)";
            }
        }

        return FindChainProblem(chain, requireCriticalUsage: true);
    }

    /// <summary>Why the timestamping chain (the TSA certificate first, as built to a <c>tsCert</c>) is malformed, or null.</summary>
    public static string? FindTimestampingProblem(IReadOnlyList<X509Certificate2> chain)
    {
        if (chain.Count == 0)
        {
            return "the timestamp has no certificate";
        }

        var tsa = chain[0];
        var eku = tsa.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.Critical || eku.EnhancedKeyUsages.Count != 1 || eku.EnhancedKeyUsages[0].Value != TimeStamping)
        {
            return $"the timestamp authority \"{tsa.Subject}\" must have the extended key usage timeStamping only, marked critical";
        }

        if (Constraints(tsa) is { CertificateAuthority: true })
        {
            return $"the timestamp authority \"{tsa.Subject}\" is a CA certificate";
        }

        return LeafUsageProblem(tsa, "the timestamp authority", "a timestamping certificate", requireCritical: false) ?? FindChainProblem(chain, requireCriticalUsage: false);
    }

    /// <summary>The first certificate of the chain that is not valid at <paramref name="time"/>, or null.</summary>
    public static X509Certificate2? FirstInvalidAt(IReadOnlyList<X509Certificate2> chain, DateTimeOffset time) =>
        chain.FirstOrDefault(c => time < c.NotBefore.ToUniversalTime() || time > c.NotAfter.ToUniversalTime());

    private static string? LeafUsageProblem(X509Certificate2 leaf, string role, string kind, bool requireCritical)
    {
        var usage = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is null)
        {
            return $"{role} \"{leaf.Subject}\" has no key usage extension";
        }

        if (requireCritical && !usage.Critical)
        {
            return $"the certificate \"{leaf.Subject}\" has a key usage extension that is not critical";
        }

        if (!usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return $"{role} \"{leaf.Subject}\" lacks the digitalSignature key usage";
        }

        var extra = ForbiddenLeafUsages.Where(u => usage.KeyUsages.HasFlag(u.Flag)).Select(u => u.Name).ToList();
        return extra.Count == 0
            ? null
            : $"{role} \"{leaf.Subject}\" has the key usage {string.Join(", ", extra)}; {kind} may have digitalSignature only";
    }

    private static string? FindChainProblem(IReadOnlyList<X509Certificate2> chain, bool requireCriticalUsage)
    {
        var leaf = chain[0];
        foreach (var cert in chain)
        {
            if (cert.SignatureAlgorithm.Value is { } algorithm && WeakSignatureAlgorithms.TryGetValue(algorithm, out var weak))
            {
                return $"the certificate \"{cert.Subject}\" is signed with {weak}, which is not allowed";
            }
        }

        for (var i = 1; i < chain.Count; i++)
        {
            if (Constraints(chain[i]) is not { CertificateAuthority: true })
            {
                return $"the certificate \"{chain[i].Subject}\" signs \"{chain[i - 1].Subject}\" but is not a CA certificate";
            }

            var usage = chain[i].Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
            if (usage is null)
            {
                return $"the CA certificate \"{chain[i].Subject}\" has no key usage extension";
            }

            if (requireCriticalUsage && !usage.Critical)
            {
                return $"the certificate \"{chain[i].Subject}\" has a key usage extension that is not critical";
            }

            if (!usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            {
                return $"the CA certificate \"{chain[i].Subject}\" lacks the keyCertSign key usage";
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

    private static X509BasicConstraintsExtension? Constraints(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
}
