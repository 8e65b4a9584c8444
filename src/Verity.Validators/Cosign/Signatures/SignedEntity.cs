using System.Collections.Immutable;
using Verity.Validators.Cosign.Rekor;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>
/// One signature with everything it carries as evidence, in one shape for cosign layers and Sigstore
/// bundles (sigstore-go's <c>verify.SignedEntity</c>). Nothing in it is trusted until verified.
/// </summary>
internal sealed record SignedEntity
{
    /// <summary>Where it came from, for messages, e.g. <c>layer 2</c> or <c>bundle 1</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The format it came in.</summary>
    public required SignatureFormat Format { get; init; }

    /// <summary>The signed content and the signature.</summary>
    public required SignatureContent Content { get; init; }

    /// <summary>What identifies the signer.</summary>
    public required VerificationMaterial Material { get; init; }

    /// <summary>Rekor entries for this signature.</summary>
    public ImmutableArray<TransparencyLogEntry> TlogEntries { get; init; } = [];

    /// <summary>RFC 3161 timestamp responses or tokens over the signature.</summary>
    public ImmutableArray<ReadOnlyMemory<byte>> Timestamps { get; init; } = [];

    /// <summary>Evidence that could not be read but did not make the signature unreadable, e.g. a broken bundle annotation.</summary>
    public ImmutableArray<string> Problems { get; init; } = [];
}
