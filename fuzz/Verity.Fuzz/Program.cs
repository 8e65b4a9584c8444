using System.Globalization;
using SharpFuzz;
using Verity.Fuzz;

// Verity's fuzz harness (docs/fuzzing.md). scripts/fuzz.sh runs "afl" under afl-fuzz on an instrumented copy.
const string Usage = """
    usage: Verity.Fuzz list
           Verity.Fuzz afl TARGET                      under afl-fuzz (SharpFuzz fork server); else runs standard input once
           Verity.Fuzz replay TARGET FILE|DIR...       runs each file; exit 1 if any crashes
           Verity.Fuzz smoke TARGET|all [--mutations N] [--seconds S] [--seed N]
                                                       the corpus and N mutations in-process (no AFL)
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (args[0] == "list")
{
    foreach (var name in FuzzTargets.Names)
    {
        var target = FuzzTargets.Create(name)!;
        Console.WriteLine($"{name,-24} {target.EntryPoint}");
        Console.WriteLine($"{string.Empty,-24} allowed: {target.Outcomes}");
        Console.WriteLine($"{string.Empty,-24} dictionary: {target.Dictionary}");
        (target as IDisposable)?.Dispose();
    }

    return 0;
}

if (args.Length < 2 || (args[1] != "all" || args[0] != "smoke") && !FuzzTargets.Names.Contains(args[1]))
{
    Console.Error.WriteLine($"unknown target or command; targets: {string.Join(", ", FuzzTargets.Names)}");
    Console.Error.WriteLine(Usage);
    return 2;
}

switch (args[0])
{
    case "afl":
    {
        // Made on the first input, inside the fork server: instrumented code (a target's constructor builds Verity's
        // services) may only run once SharpFuzz has set up the coverage map.
        FuzzTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= FuzzTargets.Create(args[1])!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }

    case "replay":
    {
        var target = FuzzTargets.Create(args[1])!;
        var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        int crashes = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                crashes++;
                Console.WriteLine($"CRASH {file}: {e}");
            }
        }

        Console.WriteLine($"{files.Count} files, {crashes} crashes");
        (target as IDisposable)?.Dispose();
        return crashes == 0 ? 0 : 1;
    }

    case "smoke":
    {
        int Option(string name, int fallback)
        {
            int at = Array.IndexOf(args, name);
            return at > 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var folder = SmokeRun.FuzzFolder(AppContext.BaseDirectory);
        bool crashed = false;
        foreach (var name in args[1] == "all" ? FuzzTargets.Names : [args[1]])
        {
            var target = FuzzTargets.Create(name)!;
            var result = SmokeRun.Run(target, folder, Option("--mutations", 3000), TimeSpan.FromSeconds(Option("--seconds", 60)), Option("--seed", 1));
            (target as IDisposable)?.Dispose();
            Console.WriteLine(result);
            if (result.Crash is { } crash)
            {
                crashed = true;
                Console.WriteLine($"CRASH on {crash.What}: {crash.Exception}");
                Console.WriteLine($"input (base64): {Convert.ToBase64String(crash.Input)}");
            }
        }

        return crashed ? 1 : 0;
    }

    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
