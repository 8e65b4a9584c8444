using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Verity.Testing.Registry;

/// <summary>
/// Counts the registry client's round trips from its metrics (meter <c>Verity.Registry</c>, counter
/// <c>verity.registry.requests</c>) for one service provider's <see cref="IMeterFactory"/>.
/// </summary>
public sealed class RegistryRequestRecorder : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentQueue<RecordedRegistryRequest> _requests = new();

    /// <summary>Starts recording the requests of clients made by <paramref name="meterFactory"/>'s provider.</summary>
    public RegistryRequestRecorder(IMeterFactory meterFactory)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == "Verity.Registry" && instrument.Name == "verity.registry.requests")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? operation = null;
            string? server = null;
            int? status = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "verity.registry.operation":
                        operation = (string?)tag.Value;
                        break;
                    case "server.address":
                        server = (string?)tag.Value;
                        break;
                    case "http.response.status_code":
                        status = (int?)tag.Value;
                        break;
                }
            }

            _requests.Enqueue(new RecordedRegistryRequest(operation ?? "?", server ?? "?", status));
        });
        _listener.Start();
    }

    /// <summary>Round trips so far, in order.</summary>
    public IReadOnlyList<RecordedRegistryRequest> Requests => [.. _requests];

    /// <summary>How many round trips so far.</summary>
    public int Count => _requests.Count;

    /// <summary>How many round trips of one operation (<c>manifest</c>, <c>blob</c>, <c>token</c>, <c>notary</c>…).</summary>
    public int CountOf(string operation) => _requests.Count(r => r.Operation == operation);

    /// <summary>Forgets the round trips so far.</summary>
    public void Clear() => _requests.Clear();

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();
}

/// <summary>One round trip of the registry client.</summary>
/// <param name="Operation">The client's operation tag, e.g. <c>manifest</c>.</param>
/// <param name="Server">The server's address.</param>
/// <param name="Status">The HTTP status, if a response came.</param>
public sealed record RecordedRegistryRequest(string Operation, string Server, int? Status);
