using System.Text.Json;

namespace Verity.Logging;

/// <summary>Structured JSON logs: one JSON object per line (or indented with <c>json-pretty</c>).</summary>
internal static class VerityLogging
{
    public static void Configure(ILoggingBuilder logging, string level, string format, bool toStandardError = false)
    {
        logging.ClearProviders();
        logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = false;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.JsonWriterOptions = new JsonWriterOptions
            {
                Indented = format == "json-pretty",
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = toStandardError ? LogLevel.Trace : LogLevel.None);
        logging.SetMinimumLevel(ParseLevel(level));
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    }

    public static LogLevel ParseLevel(string level) => level.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "none" or "off" => LogLevel.None,
        _ => LogLevel.Information,
    };
}
