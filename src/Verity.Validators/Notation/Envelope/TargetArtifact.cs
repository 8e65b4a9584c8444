namespace Verity.Validators.Notation.Envelope;

/// <summary>The descriptor a signature's payload names (<c>targetArtifact</c>): what was signed.</summary>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Digest">The manifest's digest, as written (e.g. <c>sha256:…</c>).</param>
/// <param name="Size">The manifest's size in bytes.</param>
/// <remarks>An empty <paramref name="MediaType"/> or a negative <paramref name="Size"/> is not compared (<see cref="DigestOnly"/>).</remarks>
public sealed record TargetArtifact(string MediaType, string Digest, long Size)
{
    /// <summary>An expectation on the digest alone (the CLI, which knows only a digest).</summary>
    public static TargetArtifact DigestOnly(string digest) => new(string.Empty, digest, -1);

    /// <inheritdoc/>
    public override string ToString() => $"{Digest} ({MediaType}, {Size} bytes)";
}
