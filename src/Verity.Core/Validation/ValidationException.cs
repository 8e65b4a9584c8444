namespace Verity.Core.Validation;

/// <summary>
/// The evidence could not be obtained (registry down, timeout, malformed data); the message is safe to show
/// to users: it names what failed and never contains credentials or internals.
/// </summary>
public class ValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ValidationException()
    {
    }
}
