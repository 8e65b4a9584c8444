using Verity.Core.Trust;

namespace Verity.Validators.Cosign.TrustedRoot;

/// <summary>
/// A transparency log Verity trusts: a Rekor instance (entries, signed entry timestamps, checkpoints) or a
/// certificate transparency log (SCTs). <c>TransparencyLogInstance</c> in the Sigstore trusted root.
/// </summary>
internal sealed record TransparencyLog
{
    /// <summary>The log ID: SHA-256 of the DER SubjectPublicKeyInfo of <see cref="Key"/> (RFC 6962 §3.2).</summary>
    public required ReadOnlyMemory<byte> LogId { get; init; }

    /// <summary>The log's signing key.</summary>
    public required VerificationKey Key { get; init; }

    /// <summary>When the key may sign.</summary>
    public ValidityPeriod Validity { get; init; }

    /// <summary>The log's URL, for messages.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The log ID in lower-case hex, as Rekor writes it.</summary>
    public string LogIdHex => Convert.ToHexStringLower(LogId.Span);

    /// <summary>A short name for messages.</summary>
    public override string ToString() => BaseUrl is null ? $"log {LogIdHex[..16]}…" : $"log {BaseUrl}";
}
