namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Metadata's <c>expires</c> is not after the reference time of the update (TUF §5.3.10, §5.4.4, §5.5.4, §5.6.4: a freeze attack).</summary>
internal sealed class ExpiredMetadataException : TufException
{
    /// <summary>Creates the exception.</summary>
    public ExpiredMetadataException()
        : base("the trust data has expired")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public ExpiredMetadataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the cause.</summary>
    public ExpiredMetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
