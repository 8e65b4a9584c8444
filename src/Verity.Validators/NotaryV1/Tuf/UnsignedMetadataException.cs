namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Metadata lacks the signatures it needs: no signature, fewer valid signatures than the role's threshold (TUF §5.3.4, §5.4.3, §5.5.3, §5.6.3), or no signature by a pinned trust root.</summary>
internal sealed class UnsignedMetadataException : TufException
{
    /// <summary>Creates the exception.</summary>
    public UnsignedMetadataException()
        : base("the trust data is not signed as required")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public UnsignedMetadataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the cause.</summary>
    public UnsignedMetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
