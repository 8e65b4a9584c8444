using System.Globalization;
using BenchmarkDotNet.Running;
using Verity.Benchmarks;

// "trace [runs]": one traced first notaryv1 validation against the test bed (where its time goes); else BenchmarkDotNet.
if (args is ["trace", ..])
{
    await NotaryColdPathBenchmarks.TraceAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
    return;
}

// "coldpath [rounds] [--known-signers] [--root-then-four]": the cold-path measurements interleaved, medians (robust on a
// shared machine); with --known-signers also a first validation in a process that read the signers' keys for another
// collection, with --root-then-four also the server's time for root and then the other four files in parallel.
if (args is ["coldpath", ..])
{
    await NotaryColdPathBenchmarks.CompareAsync(
        args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200,
        args.Contains("--known-signers"),
        args.Contains("--root-then-four"));
    return;
}

// "breakdown [rounds]": where the CPU of one first notaryv1 verification goes, from memory, parts interleaved, medians.
if (args is ["breakdown", ..])
{
    await NotaryVerificationBreakdown.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500);
    return;
}

// "verify-loop N": N first verifications from memory and nothing else, for a profiler (dotnet-trace collect -- …).
if (args is ["verify-loop", ..])
{
    var loop = new NotaryColdPathBenchmarks();
    loop.LoadFilesOnly();
    for (var i = 0; i < int.Parse(args[1], CultureInfo.InvariantCulture); i++)
    {
        await loop.FirstVerificationFromMemory();
    }

    return;
}

// "allocations [rounds]": bytes allocated per step of one cached static review (what garbage collection pays for).
if (args is ["allocations", ..])
{
    await AdmissionAllocations.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
    return;
}

// "first": in this fresh process, the first verification of the test bed's collection from memory, then the second.
if (args is ["first", ..])
{
    var bench = new NotaryColdPathBenchmarks();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    bench.LoadFilesOnly();
    Console.WriteLine($"set-up {clock.Elapsed.TotalMilliseconds:F1} ms");
    for (var i = 0; i < 3; i++)
    {
        clock.Restart();
        var outcome = await bench.FirstVerificationFromMemory();
        Console.WriteLine($"verification {i + 1}: {clock.Elapsed.TotalMilliseconds:F2} ms ({outcome.GetType().Name})");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AdmissionBenchmarks).Assembly).Run(args);
