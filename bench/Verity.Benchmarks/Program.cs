using System.Globalization;
using BenchmarkDotNet.Running;
using Verity.Benchmarks;

// "trace [runs]": one traced first notaryv1 validation against the test bed (where its time goes); else BenchmarkDotNet.
if (args is ["trace", ..])
{
    await NotaryColdPathBenchmarks.TraceAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
    return;
}

// "coldpath [rounds]": the cold-path measurements interleaved, medians (robust on a shared machine).
if (args is ["coldpath", ..])
{
    await NotaryColdPathBenchmarks.CompareAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
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
