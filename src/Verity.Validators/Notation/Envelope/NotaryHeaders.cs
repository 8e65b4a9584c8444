namespace Verity.Validators.Notation.Envelope;

/// <summary>Names and values of the Notary Project signature specification (signature-specification.md, signature-envelope-jws.md, signature-envelope-cose.md).</summary>
public static class NotaryHeaders
{
    /// <summary>The artifact type of a signature manifest.</summary>
    public const string SignatureArtifactType = "application/vnd.cncf.notary.signature";

    /// <summary>The media type of a JWS envelope (flattened JSON serialization).</summary>
    public const string JwsMediaType = "application/jose+json";

    /// <summary>The media type of a COSE_Sign1 envelope.</summary>
    public const string CoseMediaType = "application/cose";

    /// <summary>The payload content type, <c>cty</c>.</summary>
    public const string PayloadContentType = "application/vnd.cncf.notary.payload.v1+json";

    /// <summary>The signing scheme header.</summary>
    public const string SigningScheme = "io.cncf.notary.signingScheme";

    /// <summary>The signing time the signer claims (scheme <c>notary.x509</c>).</summary>
    public const string SigningTime = "io.cncf.notary.signingTime";

    /// <summary>The signing time a signing authority vouches for (scheme <c>notary.x509.signingAuthority</c>).</summary>
    public const string AuthenticSigningTime = "io.cncf.notary.authenticSigningTime";

    /// <summary>When the signature stops being valid.</summary>
    public const string Expiry = "io.cncf.notary.expiry";

    /// <summary>The RFC 3161 timestamp countersignature of the signature value (unprotected).</summary>
    public const string TimestampSignature = "io.cncf.notary.timestampSignature";

    /// <summary>The signing agent (unprotected, informational).</summary>
    public const string SigningAgent = "io.cncf.notary.signingAgent";

    /// <summary>Scheme <c>notary.x509</c>: validity at an RFC 3161 timestamp, or now.</summary>
    public const string SchemeX509 = "notary.x509";

    /// <summary>Scheme <c>notary.x509.signingAuthority</c>: validity at the authentic signing time.</summary>
    public const string SchemeSigningAuthority = "notary.x509.signingAuthority";

    /// <summary>The critical headers Verity understands; any other in <c>crit</c> fails the signature (plugins are not supported).</summary>
    public static readonly IReadOnlySet<string> UnderstoodCritical = new HashSet<string>(StringComparer.Ordinal) { SigningScheme, Expiry, AuthenticSigningTime };
}
