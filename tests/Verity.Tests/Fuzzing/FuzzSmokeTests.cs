using System.Text;
using Verity.Fuzz;

namespace Verity.Tests.Fuzzing;

/// <summary>
/// The fuzz smoke run in CI: per target of <c>fuzz/Verity.Fuzz</c>, the whole seed corpus and a few thousand mutations
/// of it go through the same entry points as under AFL, in-process, within a time budget (docs/fuzzing.md). A target
/// that ends with anything but its documented outcomes, or takes more than <see cref="HangLimit"/> on one input, fails.
/// </summary>
public sealed class FuzzSmokeTests
{
    /// <summary>Mutations per target, unless the budget runs out first.</summary>
    private const int Mutations = 3000;

    /// <summary>The time one target may take (the corpus, then mutations until it is spent).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>One input that takes this long is a hang (AFL's limit in scripts/fuzz.sh is 2 s; CI machines are busy).</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Run_SeedCorpusAndMutations_EndInDocumentedOutcomes(string target)
    {
        var fuzz = FuzzTargets.Create(target)!;
        try
        {
            var folder = SmokeRun.FuzzFolder(AppContext.BaseDirectory);

            // The seed is fixed per target, so a failure reproduces with "Verity.Fuzz smoke TARGET --seed N".
            var seed = target.Aggregate(17, (hash, c) => (hash * 31) + c);
            var result = await Task.Run(() => SmokeRun.Run(fuzz, folder, Mutations, Budget, seed), TestContext.Current.CancellationToken)
                .WaitAsync(Budget + HangLimit + HangLimit, TestContext.Current.CancellationToken);
            TestContext.Current.SendDiagnosticMessage(result.ToString());

            Assert.True(result.CorpusFiles > 0, $"fuzz/corpus/{target} is empty");
            if (result.Crash is { } crash)
            {
                Assert.Fail($"{target} crashed on {crash.What}: {crash.Exception}\ninput (base64): {Convert.ToBase64String(crash.Input)}\n"
                    + $"input (text): {Encoding.UTF8.GetString(crash.Input)}");
            }

            Assert.True(result.Slowest < HangLimit, $"{target} took {result.Slowest.TotalSeconds:F1} s on {result.SlowestInput}");
        }
        finally
        {
            (fuzz as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Targets_EachHaveASeedCorpusAndDictionary()
    {
        var folder = SmokeRun.FuzzFolder(AppContext.BaseDirectory);
        foreach (var name in FuzzTargets.Names)
        {
            var target = FuzzTargets.Create(name)!;
            (target as IDisposable)?.Dispose();
            Assert.Equal(name, target.Name);
            Assert.NotEmpty(SmokeRun.Corpus(folder, name));
            Assert.True(File.Exists(Path.Combine(folder, "dictionaries", target.Dictionary + ".dict")), $"{name}: no dictionary {target.Dictionary}");
        }
    }
}
