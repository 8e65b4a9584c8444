namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>
/// Trust data failed verification: the evidence says no. The message is a sentence for the user that
/// names the role and, where useful, the values involved.
/// </summary>
/// <remarks>
/// The root of a small tree in the shape of python-tuf's <c>RepositoryError</c>:
/// <see cref="MalformedMetadataException"/>, <see cref="UnsignedMetadataException"/>,
/// <see cref="ExpiredMetadataException"/>, <see cref="LengthOrHashMismatchException"/> and
/// <see cref="BadVersionNumberException"/>. This base type itself is used for inconsistencies between
/// roles (e.g. the snapshot does not list a role). Failures to <em>obtain</em> metadata are not
/// <see cref="TufException"/>s.
/// </remarks>
internal class TufException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TufException()
        : this("the trust data is not valid")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public TufException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the cause.</summary>
    public TufException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
