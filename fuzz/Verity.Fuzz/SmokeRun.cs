using System.Diagnostics;

namespace Verity.Fuzz;

/// <summary>
/// The fuzz smoke run: a target's whole seed corpus, then mutations of it, through the target in-process, within a
/// count and a time budget. The test suite runs it for every target; <c>Verity.Fuzz smoke</c> runs it by hand.
/// </summary>
internal static class SmokeRun
{
    /// <summary>The repository's <c>fuzz/</c> folder, found above <paramref name="start"/>.</summary>
    public static string FuzzFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Verity.slnx")))
            {
                return Path.Combine(dir.FullName, "fuzz");
            }
        }

        throw new InvalidOperationException("Verity.slnx not found above " + start);
    }

    /// <summary>The seed corpus of <paramref name="target"/>, sorted by file name.</summary>
    public static List<(string Name, byte[] Bytes)> Corpus(string fuzzFolder, string target)
    {
        var folder = Path.Combine(fuzzFolder, "corpus", target);
        return [.. Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    /// <summary>Runs the corpus and up to <paramref name="mutations"/> mutated inputs within <paramref name="budget"/>.</summary>
    /// <returns>What ran; the first crash, if any, with its input.</returns>
    public static SmokeResult Run(FuzzTarget target, string fuzzFolder, int mutations, TimeSpan budget, int seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        var corpus = Corpus(fuzzFolder, target.Name);
        var dictionary = FuzzDictionary.Read(Path.Combine(fuzzFolder, "dictionaries", target.Dictionary + ".dict"));
        var result = new SmokeResult { Target = target.Name, CorpusFiles = corpus.Count };
        var clock = Stopwatch.StartNew();
        foreach (var (name, bytes) in corpus)
        {
            if (!RunOne(target, bytes, "corpus file " + name, result))
            {
                return result;
            }
        }

        var mutator = new Mutator(seed, [.. corpus.Select(c => c.Bytes)], dictionary);
        while (result.Mutations < mutations && clock.Elapsed < budget)
        {
            result.Mutations++;
            if (!RunOne(target, mutator.Next(), $"mutation {result.Mutations} (seed {seed})", result))
            {
                return result;
            }
        }

        result.Elapsed = clock.Elapsed;
        return result;
    }

    private static bool RunOne(FuzzTarget target, byte[] input, string what, SmokeResult result)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            result.Crash = (what, input, e);
            return false;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > result.Slowest)
            {
                result.Slowest = elapsed;
                result.SlowestInput = what;
            }
        }

        return true;
    }
}
