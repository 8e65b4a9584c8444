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

    /// <summary>The wait before the first retry; it doubles before each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
