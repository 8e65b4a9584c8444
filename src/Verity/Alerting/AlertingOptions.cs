using System.Security.Cryptography.X509Certificates;

namespace Verity.Alerting;

/// <summary>How alerts are found and delivered (<c>verity serve</c> options; the configuration says where to).</summary>
internal sealed record AlertingOptions
{
    /// <summary>Connaisseur's chart mounts the templates ConfigMap here.</summary>
    public const string DefaultTemplatesDirectory = "/app/alerts/templates";

    /// <summary>Whether alerts are sent at all; the one-shot CLI commands check templates but never send.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Where custom templates (<c>&lt;name&gt;.json</c>) are read from.</summary>
    public string TemplatesDirectory { get; init; } = DefaultTemplatesDirectory;

    /// <summary>What <c>{{ connaisseur_pod_id }}</c> renders.</summary>
    public string PodName { get; init; } = string.Empty;

    /// <summary>How many alerts may wait for the background sender; more are dropped and counted.</summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>Attempts per alert (first try included) on a timeout, a connection failure, 429 or 5xx.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The longest one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The wait before the first retry; it doubles before each further one (up to <see cref="MaxRetryDelay"/>), with
    /// jitter (<see cref="Registry.Http.RetryDelay.Backoff"/>).
    /// </summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <c>Retry-After</c> a receiver's 429 or 5xx is honoured for; a receiver asking for longer fails the
    /// delivery at once (the background queue is not held for it, a blocking receiver denies without waiting).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The only CAs receivers' TLS certificates may chain to; null (the default) for the system roots. A private CA
    /// for all receivers is usually added to the system store instead (<c>SSL_CERT_DIR</c>).
    /// </summary>
    public X509Certificate2Collection? CaCertificates { get; init; }
}
