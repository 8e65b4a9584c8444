namespace Verity.Fuzz;

/// <summary>An entry point ended with a result that breaks its contract (e.g. a response that is not JSON): a crash.</summary>
internal sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
