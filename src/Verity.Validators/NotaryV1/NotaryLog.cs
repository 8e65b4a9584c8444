using Microsoft.Extensions.Logging;
using Verity.Core.Logging;

namespace Verity.Validators.NotaryV1;

/// <summary>The notaryv1 validator's log messages.</summary>
internal static partial class NotaryLog
{
    [LoggerMessage(EventId = EventIds.NotaryKeptDataRefused, Level = LogLevel.Information,
        Message = "kept trust data of GUN {Gun} could not be brought up to date ({Reason}); fetching it again from scratch")]
    public static partial void KeptDataRefused(this ILogger logger, string gun, string reason);
}
