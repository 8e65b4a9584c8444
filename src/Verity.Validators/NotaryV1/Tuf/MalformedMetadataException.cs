namespace Verity.Validators.NotaryV1.Tuf;

/// <summary>Metadata cannot be read: it is not JSON, misses a required field, has the wrong <c>_type</c>, or breaks a structural rule of Notary's <c>tuf/data</c> (e.g. a role lists a key ID that has no key).</summary>
internal sealed class MalformedMetadataException : TufException
{
    /// <summary>Creates the exception.</summary>
    public MalformedMetadataException()
        : base("the trust data is malformed")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public MalformedMetadataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the cause.</summary>
    public MalformedMetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
