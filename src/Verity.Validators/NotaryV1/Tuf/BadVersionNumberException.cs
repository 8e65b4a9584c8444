namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Metadata's version is lower than one already trusted for the collection (a rollback attack, TUF §5.3.5, §5.4.3, §5.5.5), or a new root's version is not the old one plus one (TUF §5.3.5).</summary>
internal sealed class BadVersionNumberException : TufException
{
    /// <summary>Creates the exception.</summary>
    public BadVersionNumberException()
        : base("the trust data's version is not acceptable")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public BadVersionNumberException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the cause.</summary>
    public BadVersionNumberException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
