namespace Verity.Validators.Cosign.Evidence;

/// <summary>
/// A Sigstore bundle blob (e.g. the layer of an OCI referrer with artifact type
/// <c>application/vnd.dev.sigstore.bundle.v0.3+json</c>), already fetched and digest-checked.
/// </summary>
/// <param name="Json">The bundle's JSON bytes.</param>
/// <param name="Artifact">For a message-signature bundle over a cosign simple-signing payload: that payload.
/// Without it, a message-signature bundle must sign the image manifest digest itself.</param>
internal sealed record SigstoreBundleBlob(ReadOnlyMemory<byte> Json, ReadOnlyMemory<byte>? Artifact = null);
