using System.Diagnostics;
using System.Globalization;
using System.Text;

/// <summary>
/// <c>images</c>: many distinct images at a steady rate. A fill pass sends each image once (every review validates), then
/// cached passes send them again for <c>--soak-seconds</c>, in windows; memory (RSS) and handles of the server are
/// sampled throughout. Baseline: <c>GET /health</c> at the same rate on the same server in the same run.
/// </summary>
internal static class ManyImages
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(args[1]);
        var prefix = Cli.Text(args, "--image-prefix") ?? throw new ArgumentException("--image-prefix is required");
        var count = Cli.Int(args, "--count", 10_000);
        var rate = Cli.Double(args, "--rate", 1000);
        var connections = Cli.Int(args, "--connections", 8);
        var soak = Cli.Int(args, "--soak-seconds", 30);
        var windows = Math.Max(1, Cli.Int(args, "--windows", 3));
        var pid = Cli.Int(args, "--pid", 0);
        var images = Enumerable.Range(0, count).Select(i => Cli.Pod(prefix + i.ToString("D5", CultureInfo.InvariantCulture), "r" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        using var client = Cli.PinningClient(connections);
        var rssStart = pid > 0 ? Cli.RssMb(pid) : double.NaN;
        var handlesStart = pid > 0 ? Cli.Handles(pid) : 0;

        var health = await Paced(client, _ => new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/health")), rate, TimeSpan.FromSeconds(5), connections, null);
        Report("GET /health (baseline)", health, health, pid);
        var fill = await Paced(client, i => Cli.Review(url, images[i % count]), rate, TimeSpan.FromSeconds(count / rate), connections, "\"allowed\":true");
        Report($"fill: {count} distinct images, each validated once", fill, health, pid);
        var rssFilled = pid > 0 ? Cli.RssMb(pid) : double.NaN;
        var results = new List<Pass>();
        for (var w = 0; w < windows; w++)
        {
            var pass = await Paced(client, i => Cli.Review(url, images[i % count]), rate, TimeSpan.FromSeconds(soak / (double)windows), connections, "\"allowed\":true");
            Report($"cached window {w + 1}/{windows}", pass, health, pid);
            results.Add(pass);
        }

        var all = results.SelectMany(r => r.Latencies).Order().ToArray();
        var p99 = Cli.Percentile(all, 0.99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary: cached p99 {p99:F2} ms = {p99 / health.P99:F2}× /health's p99 ({health.P99:F2} ms); wrong answers {results.Sum(r => r.Wrong) + fill.Wrong}, errors {results.Sum(r => r.Errors) + fill.Errors}"));
        if (pid > 0)
        {
            var rssEnd = Cli.RssMb(pid);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"summary: RSS ready {rssStart:F0} MB, after the fill {rssFilled:F0} MB, end {rssEnd:F0} MB (end/after fill {rssEnd / rssFilled:F2}); handles ready {handlesStart}, end {Cli.Handles(pid)}; p99 first/last cached window {results[0].P99:F2}/{results[^1].P99:F2} ms"));
        }

        return 0;
    }

    private static void Report(string name, Pass pass, Pass health, int pid)
    {
        var server = pid > 0 ? string.Create(CultureInfo.InvariantCulture, $", server RSS {Cli.RssMb(pid):F0} MB, handles {Cli.Handles(pid)}") : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {pass.Latencies.Length} requests at {pass.Rate:F0}/s, p50 {pass.P50:F2} ms, p99 {pass.P99:F2} ms (p99 {pass.P99 / health.P99:F2}× /health), wrong {pass.Wrong}, errors {pass.Errors}{server}"));
    }

    /// <summary>Request i is due at start + i / rate (open loop, as far as <paramref name="connections"/> allow).</summary>
    private static async Task<Pass> Paced(HttpClient client, Func<int, HttpRequestMessage> request, double rate, TimeSpan duration, int connections, string? expect)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var next = -1;
        long wrong = 0, errors = 0;
        var latencies = new double[total];
        var expected = expect is null ? null : Encoding.UTF8.GetBytes(expect);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                if (due - clock.Elapsed is { TotalMilliseconds: > 1 } wait)
                {
                    await Task.Delay(wait);
                }

                var started = clock.Elapsed;
                using var message = request(i);
                try
                {
                    using var response = await client.SendAsync(message);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode || (expected is not null && body.AsSpan().IndexOf(expected) < 0))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[i] = (clock.Elapsed - started).TotalMilliseconds;
            }
        }));
        var sorted = latencies.Order().ToArray();
        return new Pass(sorted, total / clock.Elapsed.TotalSeconds, Cli.Percentile(sorted, 0.5), Cli.Percentile(sorted, 0.99), wrong, errors);
    }

    private sealed record Pass(double[] Latencies, double Rate, double P50, double P99, long Wrong, long Errors);
}
