namespace Verity.Fuzz;

/// <summary>
/// One fuzz target: an entry point that production feeds with bytes it does not trust, fed with the fuzzer's bytes.
/// </summary>
/// <remarks>
/// <see cref="Run"/> returns normally when the entry point ended with its documented result or one of its documented
/// exception types (<see cref="Outcomes"/>), which it catches. Anything else escapes — any other exception, or a
/// <see cref="FuzzInvariantException"/> for a result that breaks the entry point's contract — and is a crash; a run
/// that does not end is a hang. Targets hold no state that one input could leave for the next.
/// </remarks>
internal abstract class FuzzTarget
{
    /// <summary>The name on the command line and of the corpus folder, e.g. <c>image-reference</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The production entry point(s) this target calls.</summary>
    public abstract string EntryPoint { get; }

    /// <summary>What the entry point may end with; everything else is a crash.</summary>
    public abstract string Outcomes { get; }

    /// <summary>The AFL dictionary under <c>fuzz/dictionaries/</c> (without <c>.dict</c>) that fits the input format.</summary>
    public abstract string Dictionary { get; }

    /// <summary>Runs one input through the entry point.</summary>
    /// <exception cref="Exception">Anything that escapes is a crash.</exception>
    public abstract void Run(ReadOnlySpan<byte> input);
}
