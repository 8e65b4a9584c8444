namespace Verity.Alerting;

/// <summary>Connaisseur's notification results; each picks a stream and an <c>alert_message</c>.</summary>
internal enum AlertResult
{
    /// <summary>Admitted after validation (or the deletion short-cut): admit stream.</summary>
    Success,

    /// <summary>Admitted with every image skipped (child or unchanged approval): admit stream.</summary>
    Skip,

    /// <summary>Denied by validation: reject stream.</summary>
    Error,

    /// <summary>Denied because validation ran out of time: reject stream.</summary>
    Timeout,

    /// <summary>Denied because the object could not be decoded: reject stream.</summary>
    Invalid,
}
