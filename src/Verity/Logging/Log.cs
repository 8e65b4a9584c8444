using Verity.Core.Logging;

namespace Verity.Logging;

/// <summary>
/// Every log message of the executable, with its event id. One table, so ids stay unique.
/// </summary>
/// <remarks>
/// 1xxx: admission decisions; 2xxx: validation; 3xxx: configuration; 4xxx: server and TLS; 6xxx: alerting; 7xxx: the
/// shared cache.
/// Values are structured properties (image, namespace, kind, name, user, verdict, reason), never request
/// bodies or credentials; alert receivers are named <c>template-index</c>, never by URL, header or payload.
/// </remarks>
internal static partial class Log
{
    [LoggerMessage(EventIds.ImageDecision, LogLevel.Information,
        "image {Image} in {Kind} {NamespaceName}/{Name} by {User}: {Verdict}; rule {Rule}, validator {Validator} ({ValidatorType}); {Reason}; digest {Digest}; skipped {Skipped}")]
    public static partial void ImageDecision(
        ILogger logger, string image, string? kind, string? namespaceName, string? name, string? user, string verdict,
        string? rule, string? validator, string validatorType, string? reason, string? digest, string? skipped);

    [LoggerMessage(EventIds.RequestDecision, LogLevel.Information,
        "request {Uid} for {Operation} {Kind} {NamespaceName}/{Name} by {User}: {Verdict}{Message} ({Images} images, patched {Patched}, {ElapsedMs} ms)")]
    public static partial void RequestDecision(
        ILogger logger, string uid, string? operation, string? kind, string? namespaceName, string? name, string? user,
        string verdict, string message, int images, bool patched, double elapsedMs);

    [LoggerMessage(EventIds.NotValidated, LogLevel.Debug, "request {Uid}: {Operation} {Kind} {NamespaceName}/{Name} admitted without validation: {Why}")]
    public static partial void NotValidated(ILogger logger, string uid, string? operation, string? kind, string? namespaceName, string? name, string why);

    [LoggerMessage(EventIds.MalformedRequest, LogLevel.Warning, "rejected a malformed admission request: {Why}")]
    public static partial void MalformedRequest(ILogger logger, string why);

    [LoggerMessage(EventIds.RequestTimedOut, LogLevel.Warning, "request {Uid} timed out after validating {Done}/{Total} images")]
    public static partial void RequestTimedOut(ILogger logger, string uid, int done, int total);

    [LoggerMessage(EventIds.ValidatorFailed, LogLevel.Error, "validator {Validator} ({ValidatorType}) failed on image {Image}")]
    public static partial void ValidatorFailed(ILogger logger, Exception exception, string image, string validator, string validatorType);

    /// <summary>An expected failure to get or check the evidence (a server down, a refusal, data that does not verify):
    /// one line with the cause; the stack trace only at Debug (<see cref="ValidatorFailureDetail"/>).</summary>
    [LoggerMessage(EventIds.ValidatorCouldNotValidate, LogLevel.Warning, "validator {Validator} ({ValidatorType}) could not validate image {Image}: {Reason}")]
    public static partial void ValidatorCouldNotValidate(ILogger logger, string image, string validator, string validatorType, string reason);

    [LoggerMessage(EventIds.ValidatorFailureDetail, LogLevel.Debug, "validator failure on image {Image}, in detail")]
    public static partial void ValidatorFailureDetail(ILogger logger, Exception exception, string image);

    [LoggerMessage(EventIds.ConfigurationLoaded, LogLevel.Information, "loaded configuration {Source} ({Layout}): {Validators} validators, {Rules} rules")]
    public static partial void ConfigurationLoaded(ILogger logger, string source, string layout, int validators, int rules);

    [LoggerMessage(EventIds.ConfigurationWarning, LogLevel.Warning, "configuration: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);

    [LoggerMessage(EventIds.ConfigurationRejected, LogLevel.Error, "configuration {Source} has errors and was not loaded: {Errors}")]
    public static partial void ConfigurationRejected(ILogger logger, string source, string errors);

    [LoggerMessage(EventIds.ConfigurationChanged, LogLevel.Information, "configuration {Source} changed; reloading")]
    public static partial void ConfigurationChanged(ILogger logger, string source);

    [LoggerMessage(EventIds.SelfSignedCertificate, LogLevel.Warning,
        "no --tls-cert/--tls-key given: using a generated self-signed certificate for {Subject} (fingerprint {Thumbprint}); for local use only")]
    public static partial void SelfSignedCertificate(ILogger logger, string subject, string thumbprint);

    [LoggerMessage(EventIds.CertificateLoaded, LogLevel.Information, "TLS certificate {Subject} loaded from {CertFile} (expires {NotAfter:o})")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string certFile, DateTime notAfter);

    [LoggerMessage(EventIds.CertificateReloadFailed, LogLevel.Error, "cannot reload the TLS certificate from {CertFile}; keeping the previous one")]
    public static partial void CertificateReloadFailed(ILogger logger, Exception exception, string certFile);

    [LoggerMessage(EventIds.Listening, LogLevel.Information, "Verity is listening on {Urls}")]
    public static partial void Listening(ILogger logger, string urls);

    [LoggerMessage(EventIds.NamespaceSkipped, LogLevel.Information, "request {Uid}: {Kind} {NamespaceName}/{Name} admitted without validation: namespace {NamespaceName} is {Why}")]
    public static partial void NamespaceSkipped(ILogger logger, string uid, string? kind, string? namespaceName, string? name, string why);

    [LoggerMessage(EventIds.ChildApproved, LogLevel.Debug, "request {Uid}: image {Image} of {Kind} {NamespaceName}/{Name} approved as its owner {OwnerKind} {OwnerName} carries it")]
    public static partial void ChildApproved(ILogger logger, string uid, string image, string? kind, string? namespaceName, string? name, string ownerKind, string ownerName);

    [LoggerMessage(EventIds.ClusterLookupFailed, LogLevel.Warning, "request {Uid}: {What} could not be read ({Reason}); {Consequence}")]
    public static partial void ClusterLookupFailed(ILogger logger, string uid, string what, string reason, string consequence);

    [LoggerMessage(EventIds.PolicyReportNotWritten, LogLevel.Warning, "the policy report of namespace {NamespaceName} was not written ({Reason}); retrying at the next interval")]
    public static partial void PolicyReportNotWritten(ILogger logger, string namespaceName, string reason);

    [LoggerMessage(EventIds.AlertSent, LogLevel.Debug, "{Stream} alert delivered to receiver {Receiver}: HTTP {Status} (attempt {Attempt})")]
    public static partial void AlertSent(ILogger logger, string receiver, string stream, int status, int attempt);

    [LoggerMessage(EventIds.AlertFailed, LogLevel.Warning, "{Stream} alert for receiver {Receiver} not delivered: {Reason} ({Attempts} attempts)")]
    public static partial void AlertFailed(ILogger logger, string receiver, string stream, string reason, int attempts);

    [LoggerMessage(EventIds.AlertRetrying, LogLevel.Information, "alert for receiver {Receiver}: attempt {Attempt} in {DelayMs} ms after {Reason}")]
    public static partial void AlertRetrying(ILogger logger, string receiver, int attempt, string reason, double delayMs);

    [LoggerMessage(EventIds.AlertDropped, LogLevel.Warning, "{Stream} alert for receiver {Receiver} dropped: the alert queue is full")]
    public static partial void AlertDropped(ILogger logger, string receiver, string stream);

    [LoggerMessage(EventIds.AlertEmpty, LogLevel.Debug, "{Stream} alert for receiver {Receiver} not sent: its template rendered nothing")]
    public static partial void AlertEmpty(ILogger logger, string receiver, string stream);

    [LoggerMessage(EventIds.AlertNotRendered, LogLevel.Error, "{Stream} alert for receiver {Receiver} could not be rendered: {Reason}")]
    public static partial void AlertNotRendered(ILogger logger, string receiver, string stream, string reason);

    [LoggerMessage(EventIds.AlertDenied, LogLevel.Warning, "request {Uid} denied: {Reason}")]
    public static partial void AlertDenied(ILogger logger, string uid, string reason);

    [LoggerMessage(EventIds.SharedCacheUnavailable, LogLevel.Warning, "shared cache {Server} unavailable, validating without it: {Reason}")]
    public static partial void SharedCacheUnavailable(ILogger logger, string server, string reason);

    [LoggerMessage(EventIds.SharedCacheRestored, LogLevel.Information, "shared cache {Server} available again")]
    public static partial void SharedCacheRestored(ILogger logger, string server);

    [LoggerMessage(EventIds.SharedCacheValueUnreadable, LogLevel.Warning, "shared cache entry {Key} cannot be read, treated as a miss: {Reason}")]
    public static partial void SharedCacheValueUnreadable(ILogger logger, string key, string reason);

    [LoggerMessage(EventIds.WarmUpCompleted, LogLevel.Information, "warm-up done in {ElapsedMs} ms: ready ({JittedMethods} methods compiled at run time in {JitMs} ms since start)")]
    public static partial void WarmUpCompleted(ILogger logger, double elapsedMs, long jittedMethods, double jitMs);

    [LoggerMessage(EventIds.WarmUpStepFailed, LogLevel.Warning, "warm-up step {Step} did not finish ({Reason}); ready anyway")]
    public static partial void WarmUpStepFailed(ILogger logger, string step, string reason);

    [LoggerMessage(EventIds.ValidatorWarmedUp, LogLevel.Information, "warm-up of validator {Validator} ({ValidatorType}): {Result} ({ElapsedMs} ms)")]
    public static partial void ValidatorWarmedUp(ILogger logger, string validator, string validatorType, string result, double elapsedMs);
}
