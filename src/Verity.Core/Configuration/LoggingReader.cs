namespace Verity.Core.Configuration;

/// <summary>Reads <c>logLevel</c>, <c>logFormat</c> and v2's <c>debug</c>.</summary>
internal static class LoggingReader
{
    public static LoggingSettings Read(YamlMapping root, YamlMapping body, ConfigLayout layout)
    {
        var logging = LoggingSettings.Default;
        var level = body.String("logLevel");
        if (level is not null)
        {
            var normalized = level.ToLowerInvariant() switch
            {
                "warning" => "warn",
                "critical" or "fatal" => "error",
                var other => other,
            };
            if (normalized is not ("debug" or "info" or "warn" or "error"))
            {
                body.Context.Error(body.PathOf("logLevel"), body.Get("logLevel"), $"logLevel \"{level}\" is not one of debug, info, warn, error");
            }
            else
            {
                logging = logging with { Level = normalized };
            }
        }

        var format = body.String("logFormat");
        if (format is not null)
        {
            if (format is not ("json" or "json-pretty"))
            {
                body.Context.Error(body.PathOf("logFormat"), body.Get("logFormat"), $"logFormat \"{format}\" is not one of json, json-pretty");
            }
            else
            {
                logging = logging with { Format = format };
            }
        }

        if (layout == ConfigLayout.HelmValuesV2 && root.Bool("debug") == true)
        {
            logging = logging with { Level = "debug" };
        }

        return logging;
    }
}
