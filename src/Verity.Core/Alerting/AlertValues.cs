namespace Verity.Core.Alerting;

/// <summary>
/// The values an alert payload template can name: Connaisseur's <c>NotificationValues</c>, one field per variable.
/// </summary>
/// <remarks>
/// Placeholders are written <c>{{ snake_case }}</c> (<c>{{ alert_message }}</c>); each string is JSON-escaped where
/// it is put, so it can only appear inside a JSON string the template author quoted.
/// </remarks>
public sealed record AlertValues
{
    /// <summary><c>alert_message</c>: <c>CONNAISSEUR admitted a request</c>, <c>CONNAISSEUR rejected a request: …</c>, ….</summary>
    public string AlertMessage { get; init; } = string.Empty;

    /// <summary><c>priority</c>: the receiver's priority, rendered as a decimal number.</summary>
    public int Priority { get; init; } = 3;

    /// <summary><c>connaisseur_pod_id</c>: the pod (host) that decided.</summary>
    public string ConnaisseurPodId { get; init; } = string.Empty;

    /// <summary><c>namespace</c>: the request's namespace.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary><c>cluster</c>: <c>alerting.clusterIdentifier</c>.</summary>
    public string Cluster { get; init; } = string.Empty;

    /// <summary><c>timestamp</c>: when the alert was made, as Go's <c>time.Now().UTC().String()</c> prints it.</summary>
    public string Timestamp { get; init; } = string.Empty;

    /// <summary><c>request_id</c>: the AdmissionReview's uid.</summary>
    public string RequestId { get; init; } = string.Empty;

    /// <summary><c>images</c>: the patched images (admit) or the denied images (reject), joined with <c>", "</c>.</summary>
    public string Images { get; init; } = string.Empty;

    /// <summary><c>result</c>: <c>success</c>, <c>skip</c>, <c>error</c>, <c>timeout</c> or <c>invalid</c>.</summary>
    public string Result { get; init; } = string.Empty;

    /// <summary><c>error</c>: the denial reason; empty when admitted.</summary>
    public string Error { get; init; } = string.Empty;

    /// <summary>The value a (camel-cased) variable names as text to insert into the template, or null if it names none.</summary>
    internal static Func<AlertValues, string>? Accessor(string camelName) => camelName switch
    {
        "AlertMessage" => v => GoJson.EscapeString(v.AlertMessage),
        "Priority" => v => v.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "ConnaisseurPodId" => v => GoJson.EscapeString(v.ConnaisseurPodId),
        "Namespace" => v => GoJson.EscapeString(v.Namespace),
        "Cluster" => v => GoJson.EscapeString(v.Cluster),
        "Timestamp" => v => GoJson.EscapeString(v.Timestamp),
        "RequestId" => v => GoJson.EscapeString(v.RequestId),
        "Images" => v => GoJson.EscapeString(v.Images),
        "Result" => v => GoJson.EscapeString(v.Result),
        "Error" => v => GoJson.EscapeString(v.Error),
        _ => null,
    };

    /// <summary>The variable names, as the shipped templates write them.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
        ["alert_message", "priority", "connaisseur_pod_id", "namespace", "cluster", "timestamp", "request_id", "images", "result", "error"];

    /// <summary>
    /// Go's <c>time.Time.String()</c> of a UTC time: <c>2026-05-08 12:00:00.1 +0000 UTC</c> (fraction without trailing
    /// zeros, none at all on a whole second).
    /// </summary>
    public static string GoTimestamp(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        long fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            text += "." + (fraction * 100).ToString("D9", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return text + " +0000 UTC";
    }
}
