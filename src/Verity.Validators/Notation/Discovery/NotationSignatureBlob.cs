using Verity.Core.Images;

namespace Verity.Validators.Notation.Discovery;

/// <summary>One signature envelope found for an image: its signature manifest, media type and bytes (digest-checked).</summary>
/// <param name="Manifest">The signature manifest's digest.</param>
/// <param name="MediaType">The envelope media type (<c>application/jose+json</c> or <c>application/cose</c>).</param>
/// <param name="Envelope">The envelope bytes.</param>
public sealed record NotationSignatureBlob(Digest Manifest, string MediaType, ReadOnlyMemory<byte> Envelope);
