using System.Security.Cryptography.X509Certificates;

namespace Verity.Core.Trust;

/// <summary>A notation trust root: a CA (or self-signed) certificate, and optionally a TSA root.</summary>
public sealed record CertificateTrustRoot : TrustRoot
{
    /// <summary>Creates the trust root.</summary>
    public CertificateTrustRoot(string name, X509Certificate2 certificate, X509Certificate2? timestampRoot)
        : base(name)
    {
        Certificate = certificate;
        TimestampRoot = timestampRoot;
    }

    /// <summary>The signing CA or self-signed certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The root of the timestamp authority, if timestamps are trusted.</summary>
    public X509Certificate2? TimestampRoot { get; }
}
