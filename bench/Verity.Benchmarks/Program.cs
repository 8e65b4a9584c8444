using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Verity.Benchmarks.AdmissionBenchmarks).Assembly).Run(args);
