namespace Verity.Logging;

/// <summary>
/// Every log message of the executable, with its event id. One table, so ids stay unique.
/// </summary>
/// <remarks>
/// 1xxx: admission decisions; 2xxx: validation; 3xxx: configuration; 4xxx: server and TLS.
/// Values are structured properties (image, namespace, kind, name, user, verdict, reason), never request
/// bodies or credentials.
/// </remarks>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information,
        "image {Image} in {Kind} {NamespaceName}/{Name} by {User}: {Verdict}; rule {Rule}, validator {Validator} ({ValidatorType}); {Reason}; digest {Digest}; skipped {Skipped}")]
    public static partial void ImageDecision(
        ILogger logger, string image, string? kind, string? namespaceName, string? name, string? user, string verdict,
        string? rule, string? validator, string validatorType, string? reason, string? digest, string? skipped);

    [LoggerMessage(1002, LogLevel.Information,
        "request {Uid} for {Operation} {Kind} {NamespaceName}/{Name} by {User}: {Verdict}{Message} ({Images} images, patched {Patched}, {ElapsedMs} ms)")]
    public static partial void RequestDecision(
        ILogger logger, string uid, string? operation, string? kind, string? namespaceName, string? name, string? user,
        string verdict, string message, int images, bool patched, double elapsedMs);

    [LoggerMessage(1003, LogLevel.Debug, "request {Uid}: {Operation} {Kind} {NamespaceName}/{Name} admitted without validation: {Why}")]
    public static partial void NotValidated(ILogger logger, string uid, string? operation, string? kind, string? namespaceName, string? name, string why);

    [LoggerMessage(1004, LogLevel.Warning, "rejected a malformed admission request: {Why}")]
    public static partial void MalformedRequest(ILogger logger, string why);

    [LoggerMessage(1005, LogLevel.Warning, "request {Uid} timed out after validating {Done}/{Total} images")]
    public static partial void RequestTimedOut(ILogger logger, string uid, int done, int total);

    [LoggerMessage(2001, LogLevel.Error, "validator {Validator} ({ValidatorType}) failed on image {Image}")]
    public static partial void ValidatorFailed(ILogger logger, Exception exception, string image, string validator, string validatorType);

    [LoggerMessage(3001, LogLevel.Information, "loaded configuration {Source} ({Layout}): {Validators} validators, {Rules} rules")]
    public static partial void ConfigurationLoaded(ILogger logger, string source, string layout, int validators, int rules);

    [LoggerMessage(3002, LogLevel.Warning, "configuration: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);

    [LoggerMessage(3003, LogLevel.Error, "configuration {Source} has errors and was not loaded: {Errors}")]
    public static partial void ConfigurationRejected(ILogger logger, string source, string errors);

    [LoggerMessage(3004, LogLevel.Information, "configuration {Source} changed; reloading")]
    public static partial void ConfigurationChanged(ILogger logger, string source);

    [LoggerMessage(4001, LogLevel.Warning,
        "no --tls-cert/--tls-key given: using a generated self-signed certificate for {Subject} (fingerprint {Thumbprint}); for local use only")]
    public static partial void SelfSignedCertificate(ILogger logger, string subject, string thumbprint);

    [LoggerMessage(4002, LogLevel.Information, "TLS certificate {Subject} loaded from {CertFile} (expires {NotAfter:o})")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string certFile, DateTime notAfter);

    [LoggerMessage(4003, LogLevel.Error, "cannot reload the TLS certificate from {CertFile}; keeping the previous one")]
    public static partial void CertificateReloadFailed(ILogger logger, Exception exception, string certFile);

    [LoggerMessage(4004, LogLevel.Information, "Verity is listening on {Urls}")]
    public static partial void Listening(ILogger logger, string urls);
}
