using System.Collections.Immutable;

namespace Verity.Validators.Cosign.Evidence;

/// <summary>
/// One layer of a cosign signature manifest (the <c>sha256-&lt;hex&gt;.sig</c> tag): its annotations and
/// its blob, already fetched and checked against the layer descriptor's digest by the registry side.
/// </summary>
/// <param name="Annotations">The layer descriptor's annotations (<c>dev.cosignproject.cosign/signature</c>,
/// <c>dev.sigstore.cosign/certificate</c>, <c>…/chain</c>, <c>…/bundle</c>, <c>…/rfc3161timestamp</c>).</param>
/// <param name="Payload">The layer blob: the simple-signing payload the signature is over.</param>
/// <param name="MediaType">The layer's media type, if the caller wants it checked
/// (<c>application/vnd.dev.cosign.simplesigning.v1+json</c>).</param>
internal sealed record CosignSignatureLayer(
    ImmutableDictionary<string, string> Annotations,
    ReadOnlyMemory<byte> Payload,
    string? MediaType = null)
{
    /// <summary>The media type of cosign signature layers.</summary>
    public const string SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>The media type of cosign attestation layers (<c>sha256-&lt;hex&gt;.att</c>): the blob is a DSSE envelope.</summary>
    public const string DsseMediaType = "application/vnd.dsse.envelope.v1+json";

    /// <summary>The base64 signature over the payload (empty on attestation layers, whose signature is in the envelope).</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>The PEM signing certificate (keyless).</summary>
    public const string CertificateAnnotation = "dev.sigstore.cosign/certificate";

    /// <summary>The PEM chain above the certificate (intermediates, root last).</summary>
    public const string ChainAnnotation = "dev.sigstore.cosign/chain";

    /// <summary>The Rekor bundle: <c>{"SignedEntryTimestamp", "Payload": {body, integratedTime, logIndex, logID}}</c>.</summary>
    public const string BundleAnnotation = "dev.sigstore.cosign/bundle";

    /// <summary>The RFC 3161 timestamp: <c>{"SignedRFC3161Timestamp": base64}</c>.</summary>
    public const string TimestampAnnotation = "dev.sigstore.cosign/rfc3161timestamp";
}
