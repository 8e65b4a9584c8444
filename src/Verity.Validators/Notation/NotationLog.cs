using Microsoft.Extensions.Logging;
using Verity.Core.Logging;

namespace Verity.Validators.Notation;

/// <summary>The notation validator's log messages.</summary>
internal static partial class NotationLog
{
    [LoggerMessage(EventId = EventIds.NotationSignatureRejected, Level = LogLevel.Information,
        Message = "notation signature {Signature} of image {Image} by validator {Validator} does not count: {Reason}")]
    public static partial void SignatureRejected(this ILogger logger, string image, string validator, string signature, string reason);

    [LoggerMessage(EventId = EventIds.NotationLogged, Level = LogLevel.Information,
        Message = "notation signature {Signature} of image {Image} by validator {Validator} ({Level}): {Finding}")]
    public static partial void Logged(this ILogger logger, string image, string validator, string signature, string level, string finding);
}
