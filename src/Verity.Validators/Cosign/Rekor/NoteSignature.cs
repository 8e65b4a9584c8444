namespace Verity.Validators.Cosign.Rekor;

/// <summary>One signature line of a signed note: <c>— name base64(keyHint || signature)</c>.</summary>
/// <param name="Name">The signer's name (for Rekor, the log's origin).</param>
/// <param name="KeyHint">The first 4 bytes: which key made the signature.</param>
/// <param name="Signature">The signature bytes after the hint.</param>
internal sealed record NoteSignature(string Name, ReadOnlyMemory<byte> KeyHint, ReadOnlyMemory<byte> Signature);
