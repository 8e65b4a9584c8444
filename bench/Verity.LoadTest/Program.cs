using System.Diagnostics;
using System.Globalization;

// A small load generator for the webhook: N connections (HTTP/1.1 keep-alive over TLS) send requests for
// a fixed time; it reports requests per second and latency percentiles. Every run also measures GET /health
// on the same server as a baseline, so figures can be compared as ratios across noisy machines.
//
// usage: Verity.LoadTest URL BODY.json [--connections 16] [--seconds 10] [--warmup 2] [--expect TEXT] [--pid PID] [--raw]
//        Verity.LoadTest startup --config C.yaml --variant LABEL=COMMAND... --review KIND=IMAGE... [--runs 5]   (see Startup.cs)
//        Verity.LoadTest images URL --image-prefix REGISTRY/REPO:t --count 10000 --rate 1000 --soak-seconds 30 --pid PID (ManyImages.cs)
// --expect counts answers whose body lacks TEXT as wrong ("right answers/s" = throughput minus wrong ones); --pid also
// reports the CPU time the server and this generator used during the run (their shares of the machine). --raw sends
// prepared request bytes over plain TLS connections (RawConnection) instead of HttpClient: a lighter generator, so more
// of the shared cores is left to the server.
if (args is ["startup", ..])
{
    return await Startup.RunAsync(args);
}

if (args is ["images", _, ..])
{
    return await ManyImages.RunAsync(args);
}

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Verity.LoadTest https://127.0.0.1:8443 review.json [--connections N] [--seconds S] [--warmup S]");
    return 2;
}

// A throughput run: socket completions run on the event loop threads instead of hopping to the thread pool, which takes
// the generator less of the shared cores (here 0.6-0.7x its CPU per request). Safe in this process: nothing it runs blocks. Set
// before the first socket is used (the runtime reads it once); `startup` above is not affected, so the servers it
// starts run as shipped.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
var url = new Uri(args[0]);
var body = File.ReadAllBytes(args[1]);
int connections = Option("--connections", 16);
int seconds = Option("--seconds", 10);
int warmup = Option("--warmup", 2);
var expect = Cli.Text(args, "--expect") is { } expectText ? System.Text.Encoding.UTF8.GetBytes(expectText) : null;
int pid = Option("--pid", 0);
bool raw = args.Contains("--raw");

var health = raw
    ? await RunRaw("GET /health (baseline)", null, RawConnection.Request(url, "/health", null))
    : await Run("GET /health (baseline)", null, () => new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/health")));
var mutate = raw
    ? await RunRaw("POST /mutate", expect, RawConnection.Request(url, "/mutate", body))
    : await Run("POST /mutate", expect, () => Cli.Review(url, body));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ratio: /mutate throughput is {mutate.Rps / health.Rps:F2} of /health, p50 latency {mutate.P50 / health.P50:F2}× /health's"));
return 0;

async Task<Result> RunRaw(string name, byte[]? expected, byte[] request)
{
    // Loopback, self-signed: the certificate the server presents first is the only one trusted (as Cli.PinningClient does).
    string? pin;
    await using (var first = await RawConnection.OpenAsync(url, null))
    {
        pin = first.CertificateHash;
    }

    return await Measure(name, async (stopwatch, end, warmupEnd, mine, count) =>
    {
        await using var connection = await RawConnection.OpenAsync(url, pin);
        while (stopwatch.Elapsed < end)
        {
            var started = stopwatch.Elapsed;
            try
            {
                var (status, answer) = await connection.SendAsync(request);
                count(status is < 200 or >= 300, expected is not null && answer.Span.IndexOf(expected) < 0 && started >= warmupEnd);
            }
            catch (IOException)
            {
                count(true, false);
                return;
            }

            if (started >= warmupEnd)
            {
                mine.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            }
        }
    });
}

async Task<Result> Run(string name, byte[]? expected, Func<HttpRequestMessage> request)
{
    // Loopback load test against a server that usually has a self-signed certificate: trust the certificate it
    // presents first, and only that one (Cli.PinningClient).
    using var client = Cli.PinningClient(connections);
    return await Measure(name, async (stopwatch, end, warmupEnd, mine, count) =>
    {
        while (stopwatch.Elapsed < end)
        {
            var started = stopwatch.Elapsed;
            using var message = request();
            try
            {
                using var response = await client.SendAsync(message);
                var answer = await response.Content.ReadAsByteArrayAsync();
                count(!response.IsSuccessStatusCode, response.IsSuccessStatusCode && expected is not null && answer.AsSpan().IndexOf(expected) < 0 && started >= warmupEnd);
            }
            catch (HttpRequestException)
            {
                count(true, false);
            }

            if (started >= warmupEnd)
            {
                mine.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            }
        }
    });
}

// Runs one worker per connection for the warm-up and the measured seconds; each worker reports every answer through
// count(error, wrong) and the latencies of the measured ones in its own list.
async Task<Result> Measure(string name, Func<Stopwatch, TimeSpan, TimeSpan, List<double>, Action<bool, bool>, Task> worker)
{
    var latencies = new List<double>[connections];
    long errors = 0;
    long wrong = 0;
    void Count(bool error, bool wrongAnswer)
    {
        if (error)
        {
            Interlocked.Increment(ref errors);
        }
        else if (wrongAnswer)
        {
            Interlocked.Increment(ref wrong);
        }
    }

    var serverCpu = pid > 0 ? Cli.CpuTime(pid) : TimeSpan.Zero;
    var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    var warmupEnd = TimeSpan.FromSeconds(warmup);
    var end = TimeSpan.FromSeconds(warmup + seconds);
    await Task.WhenAll(Enumerable.Range(0, connections).Select(i => worker(stopwatch, end, warmupEnd, latencies[i] = new List<double>(100_000), Count)));
    var wall = stopwatch.Elapsed.TotalSeconds;
    var serverShare = pid > 0 ? (Cli.CpuTime(pid) - serverCpu).TotalSeconds / wall / Environment.ProcessorCount : double.NaN;
    var ownShare = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalSeconds / wall / Environment.ProcessorCount;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    var result = new Result(all.Length / (double)seconds, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: {result.Rps:F0} req/s, p50 {result.P50:F2} ms, p95 {result.P95:F2} ms, p99 {result.P99:F2} ms ({all.Length} requests, {errors} errors, {wrong} wrong answers, {(all.Length - wrong - errors) / (double)seconds:F0} right answers/s, {connections} connections, {seconds} s{(raw ? ", raw client" : "")}); CPU share of {Environment.ProcessorCount} cores: load generator {ownShare:P0}, server {serverShare:P0}"));
    return result;
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Result(double Rps, double P50, double P95, double P99);
