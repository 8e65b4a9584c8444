using System.Collections.Immutable;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Verity.Core.Configuration;

/// <summary>Reads <c>alerting</c>: the admit and reject receivers.</summary>
internal static class AlertingReader
{
    public static AlertingSettings Read(YamlMapping? alerting)
    {
        if (alerting is null)
        {
            return AlertingSettings.None;
        }

        var settings = new AlertingSettings
        {
            ClusterIdentifier = alerting.String("clusterIdentifier") ?? AlertingSettings.None.ClusterIdentifier,
            AdmitRequest = ReadReceivers(alerting, "admitRequest"),
            RejectRequest = ReadReceivers(alerting, "rejectRequest"),
        };
        alerting.RejectUnknown();
        return settings;
    }

    private static ImmutableArray<AlertReceiver> ReadReceivers(YamlMapping alerting, string key)
    {
        var section = alerting.Mapping(key);
        if (section is null)
        {
            return [];
        }

        var context = section.Context;

        // v3 calls the list "receivers", v2 called it "templates".
        var listKey = section.Has("templates") && !section.Has("receivers") ? "templates" : "receivers";
        var list = section.Sequence(listKey);
        section.Ignore("receivers", "templates");
        section.RejectUnknown();
        if (list is null)
        {
            return [];
        }

        var receivers = ImmutableArray.CreateBuilder<AlertReceiver>();
        int i = 0;
        foreach (var item in list)
        {
            var receiver = YamlMapping.From(context, item, $"{section.PathOf(listKey)}[{i++}]");
            if (receiver is null)
            {
                continue;
            }

            var template = receiver.String("template", required: true);
            var url = receiver.String("receiverUrl", required: true);
            Uri? uri = null;
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https")))
            {
                context.Error(receiver.PathOf("receiverUrl"), receiver.Get("receiverUrl"), $"receiverUrl \"{url}\" is not an http(s) URL");
                uri = null;
            }

            var headers = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
            int h = 0;
            foreach (var header in receiver.StringList("customHeaders") ?? [])
            {
                int colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    context.Error($"{receiver.PathOf("customHeaders")}[{h}]", receiver.Get("customHeaders"), "a custom header must look like \"Name: value\"");
                }
                else
                {
                    headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                }

                h++;
            }

            JsonObject? payloadFields = null;
            var fields = receiver.Get("payloadFields");
            if (fields is YamlMappingNode mapping)
            {
                payloadFields = (JsonObject)YamlJson.ToJson(mapping)!;
            }
            else if (fields is not null)
            {
                context.Error(receiver.PathOf("payloadFields"), fields, $"expected a mapping, found {ConfigContext.Describe(fields)}");
            }

            var priority = receiver.Int("priority", min: 0);
            var fail = receiver.Bool("failIfAlertSendingFails");
            receiver.RejectUnknown();
            if (template is not null && uri is not null)
            {
                receivers.Add(new AlertReceiver
                {
                    Template = template,
                    ReceiverUrl = uri,
                    Priority = priority ?? 3,
                    CustomHeaders = headers.ToImmutable(),
                    PayloadFields = payloadFields,
                    FailIfAlertSendingFails = fail ?? false,
                    Name = $"{template}-{i - 1}",
                    Path = receiver.Path,
                    TemplateLine = ConfigContext.LineOf(receiver.Get("template")),
                });
            }
        }

        return receivers.ToImmutable();
    }
}
