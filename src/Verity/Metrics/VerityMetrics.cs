using System.Collections.Concurrent;
using Prometheus;
using Verity.Alerting;
using Verity.Caching;

namespace Verity.Metrics;

/// <summary>
/// What <c>GET /metrics</c> shows, in the Prometheus text format: Connaisseur's counters by their names and labels (so
/// its users' dashboards keep working) and Verity's own histograms and counters.
/// </summary>
/// <remarks>
/// <para>Connaisseur's (reference §8.3): <c>connaisseur_requests_total</c> (every <c>/mutate</c> call, 4xx and 405
/// too), <c>connaisseur_requests_admitted_total</c> and <c>connaisseur_requests_denied_total{timeout}</c> (the final
/// decision, after detection mode and podsOnly), and per image <c>connaisseur_validations_total{type,
/// validator_name,result}</c>, <c>…_successful_total</c> (skipped images too), <c>…_failed_total</c>,
/// <c>…_skipped_total{reason}</c> (<c>unchanged image reference</c>, <c>automatic approval of child image
/// reference</c>, <c>cache hit</c>) and <c>…_timeouted_total</c>; an image that fails before a validator is chosen is
/// labelled <c>type="unknown"</c>, <c>validator_name=""</c>.</para>
/// <para>Verity's: <c>verity_request_duration_seconds</c>, <c>verity_validation_duration_seconds{type,
/// validator_name}</c> (validator calls only, not cache hits), <c>verity_cache_lookups_total{result}</c>,
/// <c>verity_cache_degraded</c> (1 while a configured shared cache cannot be used), the alert
/// queue (<c>verity_alert_queue_depth</c>, <c>verity_alerts_{sent,failed,dropped}_total</c>), and the
/// registry client's meter <c>Verity.Registry</c> (round trips by server and operation) through prometheus-net's
/// meter adapter. Each instance has its own registry: no process-wide state, so two servers in one process (tests)
/// count apart.</para>
/// </remarks>
internal sealed class VerityMetrics : IDisposable
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly IDisposable _meterAdapter;
    private readonly Counter _requests;
    private readonly Counter _admitted;
    private readonly Counter _denied;
    private readonly Counter _validations;
    private readonly Counter _successful;
    private readonly Counter _failed;
    private readonly Counter _skipped;
    private readonly Counter _timeouted;
    private readonly Histogram _requestDuration;
    private readonly Histogram _validationDuration;
    private readonly Counter _cacheLookups;
    private readonly IAlertingMetrics? _alerting;
    private readonly Gauge _alertQueueDepth;
    private readonly Counter _alertsSent;
    private readonly Counter _alertsFailed;
    private readonly Counter _alertsDropped;
    private readonly SharedCacheHealth? _sharedCache;
    private readonly Gauge _cacheDegraded;

    // The labelled series, found once: prometheus-net's WithLabels builds a label sequence and takes a lock on every call,
    // which was a measurable share of a cached review. A series still appears on /metrics only once it is first counted.
    private readonly ConcurrentDictionary<SeriesKey, Counter.Child> _counterSeries = new();
    private readonly ConcurrentDictionary<(string Type, string Validator), Histogram.Child> _durationSeries = new();

    public VerityMetrics(IAlertingMetrics? alerting = null, SharedCacheHealth? sharedCache = null)
    {
        _alerting = alerting;
        _sharedCache = sharedCache;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        // No exemplars: Verity exports no traces to link them to, and looking for a trace context on every increment was
        // a measurable share of a cached review's CPU.
        factory.ExemplarBehavior = Prometheus.ExemplarBehavior.NoExemplars();
        _requests = factory.CreateCounter("connaisseur_requests_total", "Admission requests received on /mutate");
        _admitted = factory.CreateCounter("connaisseur_requests_admitted_total", "Admission requests admitted (final decision)");
        _denied = factory.CreateCounter("connaisseur_requests_denied_total", "Admission requests denied (final decision)", "timeout");
        _validations = factory.CreateCounter("connaisseur_validations_total", "Image validations by result", "type", "validator_name", "result");
        _successful = factory.CreateCounter("connaisseur_validations_successful_total", "Images admitted, skipped ones included", "type", "validator_name");
        _failed = factory.CreateCounter("connaisseur_validations_failed_total", "Images denied", "type", "validator_name");
        _skipped = factory.CreateCounter("connaisseur_validations_skipped_total", "Images admitted without validation", "type", "validator_name", "reason");
        _timeouted = factory.CreateCounter("connaisseur_validations_timeouted_total", "Images whose validation passed the deadline", "type", "validator_name");
        _requestDuration = factory.CreateHistogram("verity_request_duration_seconds", "Time to decide one admission request",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _validationDuration = factory.CreateHistogram("verity_validation_duration_seconds", "Time of one validator call",
            new HistogramConfiguration { Buckets = LatencyBuckets, LabelNames = ["type", "validator_name"] });
        _cacheLookups = factory.CreateCounter("verity_cache_lookups_total", "Verdict cache lookups (in memory, then the shared cache)", "result");
        _cacheDegraded = factory.CreateGauge("verity_cache_degraded", "1 while the configured shared cache (Redis) cannot be used and validation goes on without it");
        _alertQueueDepth = factory.CreateGauge("verity_alert_queue_depth", "Alerts waiting for the background sender");
        _alertsSent = factory.CreateCounter("verity_alerts_sent_total", "Alerts a receiver accepted");
        _alertsFailed = factory.CreateCounter("verity_alerts_failed_total", "Alerts given up on after their last attempt");
        _alertsDropped = factory.CreateCounter("verity_alerts_dropped_total", "Alerts dropped because the queue was full");
        _meterAdapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            InstrumentFilterPredicate = instrument => instrument.Meter.Name.StartsWith("Verity", StringComparison.Ordinal),
        });
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    public void RequestReceived() => _requests.Inc();

    public void RequestDecided(bool allowed, bool timedOut, TimeSpan elapsed)
    {
        if (allowed)
        {
            _admitted.Inc();
        }
        else
        {
            Series(_denied, timedOut ? "true" : "false").Inc();
        }

        _requestDuration.Observe(elapsed.TotalSeconds);
    }

    public void ImageDecided(string type, string validator, bool allowed, string? skipped, bool timedOut)
    {
        Series(_validations, type, validator, allowed ? "success" : "error").Inc();
        Series(allowed ? _successful : _failed, type, validator).Inc();
        if (skipped is not null)
        {
            Series(_skipped, type, validator, skipped).Inc();
        }

        if (timedOut)
        {
            Series(_timeouted, type, validator).Inc();
        }
    }

    public void ValidatorCalled(string type, string validator, TimeSpan elapsed)
    {
        if (!_durationSeries.TryGetValue((type, validator), out var series))
        {
            series = _durationSeries.GetOrAdd((type, validator), key => _validationDuration.WithLabels(key.Type, key.Validator));
        }

        series.Observe(elapsed.TotalSeconds);
    }

    public void CacheLookup(bool hit) => Series(_cacheLookups, hit ? "hit" : "miss").Inc();

    /// <summary>Writes every metric in the Prometheus text format.</summary>
    public Task ExportAsync(Stream destination, CancellationToken cancellationToken)
    {
        _cacheDegraded.Set(_sharedCache is { Degraded: true } ? 1 : 0);
        if (_alerting is { } alerting)
        {
            _alertQueueDepth.Set(alerting.QueueDepth);
            _alertsSent.IncTo(alerting.Sent);
            _alertsFailed.IncTo(alerting.Failed);
            _alertsDropped.IncTo(alerting.Dropped);
        }

        return Registry.CollectAndExportAsTextAsync(destination, cancellationToken);
    }

    public void Dispose() => _meterAdapter.Dispose();

    /// <summary>The series of <paramref name="counter"/> with these label values (as many as the counter has labels).</summary>
    private Counter.Child Series(Counter counter, string first, string? second = null, string? third = null)
    {
        var key = new SeriesKey(counter, first, second, third);
        return _counterSeries.TryGetValue(key, out var series) ? series : _counterSeries.GetOrAdd(key, static key =>
            key.Second is null ? key.Counter.WithLabels(key.First)
            : key.Third is null ? key.Counter.WithLabels(key.First, key.Second)
            : key.Counter.WithLabels(key.First, key.Second, key.Third));
    }

    private readonly record struct SeriesKey(Counter Counter, string First, string? Second, string? Third);
}
