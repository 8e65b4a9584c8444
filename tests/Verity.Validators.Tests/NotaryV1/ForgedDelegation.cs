namespace Verity.Validators.Tests.NotaryV1;

/// <summary>A delegated targets role of a <see cref="ForgedCollection"/>.</summary>
internal sealed class ForgedDelegation
{
    public required string Name { get; init; }

    public required List<TestKey> Keys { get; init; }

    public int Threshold { get; set; } = 1;

    public List<string> Paths { get; init; } = [""];

    /// <summary>Tag → manifest sha256 bytes.</summary>
    public Dictionary<string, byte[]> Targets { get; init; } = [];

    /// <summary>Who signs the role's metadata; the role's keys when null.</summary>
    public List<TestKey>? Signers { get; set; }
}
