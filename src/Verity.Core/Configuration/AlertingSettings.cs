using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Verity.Core.Configuration;

/// <summary>The <c>alerting:</c> section.</summary>
public sealed record AlertingSettings
{
    /// <summary>No receivers.</summary>
    public static AlertingSettings None { get; } = new();

    /// <summary>Names this cluster in alerts.</summary>
    public string ClusterIdentifier { get; init; } = "not specified";

    /// <summary>Receivers told about admitted requests.</summary>
    public ImmutableArray<AlertReceiver> AdmitRequest { get; init; } = [];

    /// <summary>Receivers told about rejected requests.</summary>
    public ImmutableArray<AlertReceiver> RejectRequest { get; init; } = [];
}

/// <summary>One alert receiver.</summary>
public sealed record AlertReceiver
{
    /// <summary>The payload template, e.g. <c>slack</c> or <c>opsgenie</c>.</summary>
    public required string Template { get; init; }

    /// <summary>Where the alert is POSTed.</summary>
    public required Uri ReceiverUrl { get; init; }

    /// <summary>Priority (default 3).</summary>
    public int Priority { get; init; } = 3;

    /// <summary>Extra HTTP headers as name/value pairs.</summary>
    public ImmutableArray<KeyValuePair<string, string>> CustomHeaders { get; init; } = [];

    /// <summary>Fields merged over the rendered payload's top level.</summary>
    public JsonObject? PayloadFields { get; init; }

    /// <summary>Deny the request if this alert cannot be delivered.</summary>
    public bool FailIfAlertSendingFails { get; init; }

    /// <summary>
    /// Connaisseur's receiver name, <c>&lt;template&gt;-&lt;index in its list&gt;</c> (<c>slack-0</c>): what logs and
    /// denials call the receiver, never by its URL.
    /// </summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Where the receiver is in the configuration, e.g. <c>alerting.admitRequest.receivers[0]</c>.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The line of its <c>template</c> key, or 0.</summary>
    public int TemplateLine { get; init; }

    /// <summary>A description without its URL or header values, which may hold secrets.</summary>
    public override string ToString() => $"alert receiver {Name} ({Template})";

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(ToString());
        return true;
    }
}
