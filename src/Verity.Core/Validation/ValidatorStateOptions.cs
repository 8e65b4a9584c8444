namespace Verity.Core.Validation;

/// <summary>
/// Where validator types may keep state that must survive a restart of the process (<c>verity serve --state-dir</c>):
/// for <c>notaryv1</c>, the rollback floor and last trusted root of each collection.
/// </summary>
/// <remarks>Registered by the host when configured; a validator type that finds none keeps its state in memory.</remarks>
public sealed record ValidatorStateOptions
{
    /// <summary>The directory; each validator type uses a subdirectory named after it. Null keeps state in memory.</summary>
    public string? Directory { get; init; }
}
