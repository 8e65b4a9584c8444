using System.Globalization;
using BenchmarkDotNet.Running;
using Verity.Benchmarks;

// "trace [runs]": one traced first notaryv1 validation against the test bed (where its time goes); else BenchmarkDotNet.
if (args is ["trace", ..])
{
    await NotaryColdPathBenchmarks.TraceAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AdmissionBenchmarks).Assembly).Run(args);
