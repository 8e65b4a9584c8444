using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Verity.Registry.Http;

/// <summary>Counts and times every HTTP exchange with registries, token services and blob redirect targets.</summary>
/// <remarks>
/// Meter <see cref="MeterName"/>: counter <c>verity.registry.requests</c> and histogram
/// <c>verity.registry.request.duration</c> (seconds), tagged with <c>server.address</c> (host:port),
/// <c>verity.registry.operation</c> (<c>manifest</c>, <c>blob</c>, <c>referrers</c>, <c>tags</c>, <c>token</c>, or an <see cref="AuthenticatedServer.Operation"/> such as <c>notary</c>) and
/// <c>http.response.status_code</c> (absent when no response came back). Tests count round trips with a
/// <see cref="MeterListener"/> on the meter of their own <see cref="IMeterFactory"/>.
/// </remarks>
internal sealed class RegistryMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Verity.Registry";

    /// <summary>The request counter's name.</summary>
    public const string RequestsName = "verity.registry.requests";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, "{request}", "HTTP requests sent by the registry client");
        _duration = meter.CreateHistogram<double>("verity.registry.request.duration", "s", "Time to the response headers of registry requests");
    }

    public void Record(Uri uri, string operation, int? statusCode, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "server.address", uri.Authority },
            { "verity.registry.operation", operation },
        };
        if (statusCode is { } status)
        {
            tags.Add("http.response.status_code", status);
        }

        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
