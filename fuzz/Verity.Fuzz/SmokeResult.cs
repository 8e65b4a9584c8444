namespace Verity.Fuzz;

/// <summary>What a <see cref="SmokeRun"/> ran, and its crash if it found one.</summary>
internal sealed class SmokeResult
{
    public required string Target { get; init; }

    public int CorpusFiles { get; init; }

    public int Mutations { get; set; }

    public TimeSpan Elapsed { get; set; }

    public TimeSpan Slowest { get; set; }

    public string? SlowestInput { get; set; }

    public (string What, byte[] Input, Exception Exception)? Crash { get; set; }

    public override string ToString() =>
        $"{Target}: {CorpusFiles} corpus files and {Mutations} mutations in {Elapsed.TotalSeconds:F1} s, slowest {Slowest.TotalMilliseconds:F0} ms ({SlowestInput})";
}
