namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Metadata's bytes do not match the hashes (or length) that the timestamp or snapshot lists for it (TUF §5.5.2, §5.6.2).</summary>
internal sealed class LengthOrHashMismatchException : TufException
{
    /// <summary>Creates the exception.</summary>
    public LengthOrHashMismatchException()
        : base("the trust data does not match its recorded hash")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public LengthOrHashMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the cause.</summary>
    public LengthOrHashMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
