using System.Collections.Immutable;

namespace Verity.Validators.Notation.Discovery;

/// <summary>The signatures found for an image, or why the search was refused (a bound was exceeded).</summary>
public sealed record NotationDiscoveryResult
{
    /// <summary>The envelopes found.</summary>
    public ImmutableArray<NotationSignatureBlob> Signatures { get; init; } = [];

    /// <summary>Why the image is denied without looking further, or null.</summary>
    public string? Refusal { get; init; }

    /// <summary>Signature artifacts that were skipped, with the reason (wrong subject, no envelope layer).</summary>
    public ImmutableArray<string> Skipped { get; init; } = [];
}
