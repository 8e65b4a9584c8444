namespace Verity.Core.Logging;

/// <summary>
/// Every log event id of Verity, in one table so that none is used twice: 1000s admission, 1100s validation,
/// 2000s the registry client, 3000s configuration, 4000s hosting and TLS, 5000s validator types, 6000s alerting,
/// 8000s start-up and warm-up.
/// </summary>
public static class EventIds
{
    /// <summary>Log.ImageDecision.</summary>
    public const int ImageDecision = 1001;

    /// <summary>Log.RequestDecision.</summary>
    public const int RequestDecision = 1002;

    /// <summary>Log.NotValidated.</summary>
    public const int NotValidated = 1003;

    /// <summary>Log.MalformedRequest.</summary>
    public const int MalformedRequest = 1004;

    /// <summary>Log.RequestTimedOut.</summary>
    public const int RequestTimedOut = 1005;

    /// <summary>Log.ValidatorFailed.</summary>
    public const int ValidatorFailed = 1101;

    /// <summary>Log.ValidatorCouldNotValidate.</summary>
    public const int ValidatorCouldNotValidate = 1102;

    /// <summary>Log.ValidatorFailureDetail.</summary>
    public const int ValidatorFailureDetail = 1103;

    /// <summary>RegistryLog.RequestCompleted.</summary>
    public const int RegistryRequestCompleted = 2001;

    /// <summary>RegistryLog.RequestFailed.</summary>
    public const int RegistryRequestFailed = 2002;

    /// <summary>RegistryLog.Retrying.</summary>
    public const int RegistryRetrying = 2003;

    /// <summary>RegistryLog.TokenFetched.</summary>
    public const int RegistryTokenFetched = 2004;

    /// <summary>RegistryLog.FollowingRedirect.</summary>
    public const int RegistryFollowingRedirect = 2005;

    /// <summary>RegistryLog.CredentialReloadFailed.</summary>
    public const int RegistryCredentialReloadFailed = 2006;

    /// <summary>RegistryLog.UnscopedCredentialsIgnored.</summary>
    public const int RegistryUnscopedCredentialsIgnored = 2007;

    /// <summary>RegistryLog.KeychainUnsupported.</summary>
    public const int RegistryKeychainUnsupported = 2008;

    /// <summary>RegistryLog.CredentialsLoaded.</summary>
    public const int RegistryCredentialsLoaded = 2009;

    /// <summary>Log.ConfigurationLoaded.</summary>
    public const int ConfigurationLoaded = 3001;

    /// <summary>Log.ConfigurationWarning.</summary>
    public const int ConfigurationWarning = 3002;

    /// <summary>Log.ConfigurationRejected.</summary>
    public const int ConfigurationRejected = 3003;

    /// <summary>Log.ConfigurationChanged.</summary>
    public const int ConfigurationChanged = 3004;

    /// <summary>Log.SelfSignedCertificate.</summary>
    public const int SelfSignedCertificate = 4001;

    /// <summary>Log.CertificateLoaded.</summary>
    public const int CertificateLoaded = 4002;

    /// <summary>Log.CertificateReloadFailed.</summary>
    public const int CertificateReloadFailed = 4003;

    /// <summary>Log.Listening.</summary>
    public const int Listening = 4004;

    /// <summary>NotaryLog.NotaryKeptDataRefused.</summary>
    public const int NotaryKeptDataRefused = 5001;

    /// <summary>NotationLog.SignatureRejected.</summary>
    public const int NotationSignatureRejected = 5101;

    /// <summary>NotationLog.Logged: a failure the verification level only logs, or a check not made.</summary>
    public const int NotationLogged = 5102;

    /// <summary>Log.NamespaceSkipped.</summary>
    public const int NamespaceSkipped = 1006;

    /// <summary>Log.ChildApproved.</summary>
    public const int ChildApproved = 1007;

    /// <summary>Log.ClusterLookupFailed.</summary>
    public const int ClusterLookupFailed = 1008;

    /// <summary>Log.PolicyReportNotWritten.</summary>
    public const int PolicyReportNotWritten = 4101;

    /// <summary>Log.AlertSent.</summary>
    public const int AlertSent = 6001;

    /// <summary>Log.AlertFailed.</summary>
    public const int AlertFailed = 6002;

    /// <summary>Log.AlertRetrying.</summary>
    public const int AlertRetrying = 6003;

    /// <summary>Log.AlertDropped.</summary>
    public const int AlertDropped = 6004;

    /// <summary>Log.AlertEmpty.</summary>
    public const int AlertEmpty = 6005;

    /// <summary>Log.AlertNotRendered.</summary>
    public const int AlertNotRendered = 6006;

    /// <summary>Log.AlertDenied.</summary>
    public const int AlertDenied = 6007;

    /// <summary>Log.SharedCacheUnavailable.</summary>
    public const int SharedCacheUnavailable = 7000;

    /// <summary>Log.SharedCacheRestored.</summary>
    public const int SharedCacheRestored = 7001;

    /// <summary>Log.SharedCacheValueUnreadable.</summary>
    public const int SharedCacheValueUnreadable = 7002;

    /// <summary>Log.WarmUpCompleted.</summary>
    public const int WarmUpCompleted = 8001;

    /// <summary>Log.WarmUpStepFailed.</summary>
    public const int WarmUpStepFailed = 8002;

    /// <summary>Log.ValidatorWarmedUp.</summary>
    public const int ValidatorWarmedUp = 8003;
}
