using Verity.Core.Images;
using Verity.Core.Policy;

namespace Verity.Admission;

/// <summary>The decision about one distinct image string of a request.</summary>
internal sealed record ImageVerdict
{
    /// <summary>The image exactly as written.</summary>
    public required string Image { get; init; }

    /// <summary>The parsed reference, unless it could not be parsed.</summary>
    public ImageReference? Reference { get; init; }

    /// <summary>The rule that matched, if any.</summary>
    public PolicyRule? Rule { get; init; }

    /// <summary>The validator's name, if one was chosen.</summary>
    public string? Validator { get; init; }

    /// <summary>The validator's type, or <c>unknown</c>.</summary>
    public string ValidatorType { get; init; } = "unknown";

    /// <summary>Whether the image may run.</summary>
    public required bool Allowed { get; init; }

    /// <summary>The trusted digest, if the validator verified one.</summary>
    public Digest? Digest { get; init; }

    /// <summary>Why the image was denied, or a note on how it was trusted.</summary>
    public string? Reason { get; init; }

    /// <summary>Why validation was skipped (e.g. <c>unchanged image reference</c>), if it was.</summary>
    public string? Skipped { get; init; }

    /// <summary>Whether the validator's outcome came from the verdict cache.</summary>
    public bool FromCache { get; init; }

    /// <summary>Whether the deadline passed before a verdict.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The denial as a sentence that names the image.</summary>
    public string DenialMessage => Reference is null ? Reason ?? $"image \"{Image}\" denied" : $"image \"{Image}\" denied: {Reason}";

    /// <summary>The reference to patch into the workload, or null when nothing changes.</summary>
    public string? PatchValue =>
        Allowed && Skipped is null && Digest is { } digest && Reference is { Digest: null } reference
        && Rule?.Options.Mode == ValidationMode.Mutate
            ? reference.PinnedTo(digest).Canonical
            : null;
}
