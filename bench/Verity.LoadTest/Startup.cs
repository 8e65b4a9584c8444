using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// <c>startup</c>: starts <c>verity serve</c> again and again and measures the time to <c>/ready</c> and the first review
/// of each kind; the baselines come from the same run: the process start of <c>verity --version</c> (runtime start, no
/// server) and <c>GET /health</c> on the same server just before the first review.
/// </summary>
internal static class Startup
{
    public static async Task<int> RunAsync(string[] args)
    {
        var variants = new List<(string Label, string[] Command, string[] Extra)>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            // LABEL=COMMAND [-- SERVE OPTIONS], e.g. r2r=/app/verity or no-warm-up=/app/verity -- --warm-up-timeout 0
            if (args[i] == "--variant" && args[i + 1].Split('=', 2) is [var label, var command])
            {
                var parts = command.Split(" -- ", 2);
                variants.Add((label, parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), parts.Length > 1 ? parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) : []));
            }
        }

        var config = Cli.Text(args, "--config") ?? throw new ArgumentException("--config is required");
        var reviews = new List<(string Kind, byte[] Body)>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--review" && args[i + 1].Split('=', 2) is [var kind, var image])
            {
                reviews.Add((kind, Cli.Pod(image, "first-" + kind)));
            }
        }

        var runs = Cli.Int(args, "--runs", 5);
        Console.WriteLine($"startup: {runs} runs per variant and first review; medians");
        foreach (var (label, command, extra) in variants)
        {
            var version = new List<double>();
            var ready = new List<double>();
            var firsts = reviews.ToDictionary(r => r.Kind, _ => (First: new List<double>(), Health: new List<double>(), Later: new List<double>()));
            for (var run = 0; run < runs; run++)
            {
                version.Add(await VersionAsync(command));
                foreach (var (kind, body) in reviews)
                {
                    var (readyMs, health, first, later) = await ServeAsync(command, extra, config, body);
                    ready.Add(readyMs);
                    firsts[kind].First.Add(first);
                    firsts[kind].Health.Add(health);
                    firsts[kind].Later.Add(later);
                }
            }

            var v = Median(version);
            var r = Median(ready);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: ready {r:F0} ms = {r / v:F2}× the process start of `verity --version` ({v:F0} ms)"));
            foreach (var (kind, (first, health, later)) in firsts)
            {
                var f = Median(first);
                var h = Median(health);
                var l = Median(later);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: first {kind} review {f:F2} ms = {f / h:F1}× the first GET /health ({h:F2} ms) = {f / l:F1}× a later review of the same image ({l:F2} ms)"));
            }
        }

        return 0;
    }

    private static double Median(List<double> values) => Cli.Percentile([.. values.Order()], 0.5);

    private static async Task<double> VersionAsync(string[] command)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(Info(command, ["--version"]))!;
        await process.WaitForExitAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<(double Ready, double Health, double First, double Later)> ServeAsync(string[] command, string[] extra, string config, byte[] body)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var url = new Uri($"https://127.0.0.1:{port}");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(Info(command, ["serve", "--config", config, "--urls", url.AbsoluteUri.TrimEnd('/'), "--log-level", "warning", "--reload-interval", "0", .. extra]))!;
        try
        {
            using var client = Cli.PinningClient(1);
            double ready;
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri(url, "/ready"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ready = watch.Elapsed.TotalMilliseconds;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"verity did not become ready: {await process.StandardError.ReadToEndAsync()}");
                }

                await Task.Delay(2);
            }

            // On the connection /ready opened, as the API server keeps its connections.
            var health = await Time(() => client.GetAsync(new Uri(url, "/health")));
            var first = await Time(() => client.SendAsync(Cli.Review(url, body)));
            var later = new List<double>();
            for (var i = 0; i < 11; i++)
            {
                later.Add(await Time(() => client.SendAsync(Cli.Review(url, body))));
            }

            return (ready, health, first, Median(later));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<double> Time(Func<Task<HttpResponseMessage>> send)
    {
        var watch = Stopwatch.StartNew();
        using var response = await send();
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}");
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    private static ProcessStartInfo Info(string[] command, string[] arguments)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var part in command.Skip(1).Concat(arguments))
        {
            info.ArgumentList.Add(part);
        }

        return info;
    }
}
