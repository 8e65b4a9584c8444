namespace Verity.Validators.Notation.Envelope;

/// <summary>The descriptor a signature's payload names (<c>targetArtifact</c>): what was signed.</summary>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Digest">The manifest's digest, as written (e.g. <c>sha256:…</c>).</param>
/// <param name="Size">The manifest's size in bytes.</param>
public sealed record TargetArtifact(string MediaType, string Digest, long Size)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Digest} ({MediaType}, {Size} bytes)";
}
