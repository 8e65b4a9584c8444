using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;
using Verity.Registry;
using Verity.Registry.Client;
using Verity.Validators;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Benchmarks;

/// <summary>
/// The cold path of notaryv1 against the test bed's real notary-server: the first validation of a collection in a warm
/// process (root, timestamp, snapshot, targets and <c>targets/releases</c> fetched and verified), against the server's
/// own answer times for the same five files through the same HTTP client (same connection pool, kept connections) with
/// no verification.
/// </summary>
/// <remarks>
/// Each validation gets a new <see cref="NotaryV1ValidatorFactory"/> (no kept trust data, no rollback state) but shares
/// the registry client stack with the baselines, as validations of new collections in one process do. Needs the test bed
/// (<c>tests/harness/up.sh</c>; <c>VERITY_TESTBED</c> or <c>/tmp/verity-testbed/testbed.json</c>).
/// </remarks>
[MemoryDiagnoser]
public class NotaryColdPathBenchmarks
{
    private static readonly string[] Roles = ["root", "timestamp", "snapshot", "targets", "targets/releases"];

    private ServiceProvider _services = null!;
    private IAuthenticatedServerClientFactory _clients = null!;
    private NotaryV1ValidatorDefinition _definition = null!;
    private IAuthenticatedServerClient _client = null!;
    private ImageReference _image = null!;
    private string _gun = null!;
    private Dictionary<string, byte[]> _files = null!;
    private TufKeyCache? _knownSigners;

    [GlobalSetup]
    public void Setup()
    {
        var bed = TestbedFile.Load();
        var yaml = string.Create(CultureInfo.InvariantCulture, $$"""
            validators:
              - name: bench-notary
                type: notaryv1
                host: {{bed["TESTBED_NOTARY_URL"]}}
                cert: |
            {{TestbedFile.Indent(File.ReadAllText(bed["TESTBED_CA_CERT"]), 6)}}
                trustRoots:
                  - name: default
                    key: |
            {{TestbedFile.Indent(File.ReadAllText(bed["TESTBED_NOTARY_ROOT_PUB_PEM"]), 10)}}
            policy:
              - pattern: "*:*"
                validator: bench-notary
            """);
        var configuration = new ConfigLoader(new ValidatorTypeRegistry(BuiltInValidatorTypes.All)).Parse(yaml, "bench");
        _definition = configuration.Validators.OfType<NotaryV1ValidatorDefinition>().Single();
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddSingleton(TimeProvider.System);
        collection.AddVerityRegistry();
        _services = collection.BuildServiceProvider();
        _clients = _services.GetRequiredService<IAuthenticatedServerClientFactory>();
        _gun = bed["TESTBED_NOTARY_GUN"];
        _image = ImageReference.Parse(bed["TESTBED_IMAGE"] + ":signed");

        // The validator's own settings (NotaryV1ValidatorFactory.Create), so the baselines share its connection pool.
        _client = _clients.Create(
            new RegistryClientSettings
            {
                Name = _definition.Name,
                Auth = _definition.Auth,
                CaCertificates = _definition.CaCertificates,
                UnscopedCredentialsRegistry = _definition.Host.Authority,
                InsecureHttpRegistries = [],
            },
            new AuthenticatedServer { BaseUri = _definition.Host, Kind = "Notary server", Operation = "notary" });
        _files = Roles.ToDictionary(
            role => role,
            role => _client.GetAsync($"v2/{_gun}/_trust/tuf/{role}.json", _gun, 4 * 1024 * 1024, role, CancellationToken.None).AsTask().GetAwaiter().GetResult()!.Value.ToArray(),
            StringComparer.Ordinal);
        if (FirstValidation().AsTask().GetAwaiter().GetResult() is not ValidationOutcome.Trusted
            || FirstVerificationFromMemory().AsTask().GetAwaiter().GetResult() is not ValidationOutcome.Trusted)
        {
            throw new InvalidOperationException("test/app:signed does not validate against the test bed");
        }
    }

    /// <summary>Reads the five files and the trust root from the test bed's copies, without any HTTP.</summary>
    public void LoadFilesOnly()
    {
        var bed = TestbedFile.Load();
        var dir = bed["TESTBED_NOTARY_TUF_DIR"];
        _gun = bed["TESTBED_NOTARY_GUN"];
        _files = Roles.ToDictionary(role => role, role => File.ReadAllBytes(Path.Combine(dir, role.Replace('/', '_') + ".json")), StringComparer.Ordinal);
        _definition = new NotaryV1ValidatorDefinition
        {
            Name = "first",
            TrustRoots = [new Core.Trust.PublicKeyTrustRoot("default", Core.Trust.VerificationKey.Parse(File.ReadAllText(bed["TESTBED_NOTARY_ROOT_PUB_PEM"])))],
        };
    }

    /// <summary>The five files as fetched in the set-up (or read by <see cref="LoadFilesOnly"/>), by role.</summary>
    internal IReadOnlyDictionary<string, byte[]> Files => _files;

    /// <summary>The collection.</summary>
    internal string Gun => _gun;

    /// <summary>The pinned trust roots of the validator's configuration.</summary>
    internal ImmutableArray<Core.Trust.PublicKeyTrustRoot> PinnedKeys => _definition.TrustRoots.OfType<Core.Trust.PublicKeyTrustRoot>().ToImmutableArray();

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Baseline: the five files, one after the other, through the validator's client; no verification.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ServerFiveFilesSequential()
    {
        var total = 0;
        foreach (var role in Roles)
        {
            total += await Fetch(role);
        }

        return total;
    }

    /// <summary>The five files in the validator's schedule (root; timestamp, snapshot, targets in parallel; the delegation); no verification.</summary>
    [Benchmark]
    public async Task<int> ServerFiveFilesInValidatorSchedule()
    {
        var total = await Fetch("root");
        var parallel = await Task.WhenAll(Fetch("timestamp"), Fetch("snapshot"), Fetch("targets"));
        return total + parallel.Sum() + await Fetch("targets/releases");
    }

    /// <summary>The five files if the delegation were asked for with timestamp, snapshot and targets (root; the other four in
    /// parallel), which the validator does not do: it learns that the delegation exists from targets.json. No verification.</summary>
    public async Task<int> ServerRootThenFourInParallel()
    {
        var total = await Fetch("root");
        var parallel = await Task.WhenAll(Fetch("timestamp"), Fetch("snapshot"), Fetch("targets"), Fetch("targets/releases"));
        return total + parallel.Sum();
    }

    /// <summary>A first validation of the collection: everything fetched and verified, nothing kept from before.</summary>
    [Benchmark]
    public ValueTask<ValidationOutcome> FirstValidation()
    {
        var validator = new NotaryV1ValidatorFactory(_clients, TimeProvider.System).Create(_definition);
        return validator.ValidateAsync(_image, RuleOptions.Default, CancellationToken.None);
    }

    /// <summary>
    /// A first validation of the collection in a process that has validated other collections signed by the same signers:
    /// nothing of this collection kept, but the delegation's certificate read before (<see cref="PrepareKnownSigners"/>), as
    /// another collection that the same signer signs would have left it; the pinned key is kept by any validation.
    /// </summary>
    public ValueTask<ValidationOutcome> FirstValidationKnownSigners()
    {
        var keys = _knownSigners ?? throw new InvalidOperationException("call PrepareKnownSigners first");
        _knownSigners = null;
        var factory = new NotaryV1ValidatorFactory(_clients, TimeProvider.System, new InMemoryTrustStateStore(), NotaryV1ValidatorFactory.DefaultTimeout, keyCache: keys);
        return factory.Create(_definition).ValidateAsync(_image, RuleOptions.Default, CancellationToken.None);
    }

    /// <summary>A new key cache holding the certificates <c>targets</c> delegates to, read (untimed) for <see cref="FirstValidationKnownSigners"/>.</summary>
    public void PrepareKnownSigners()
    {
        var keys = new TufKeyCache();
        foreach (var key in MetadataReader.ReadTargets(_files["targets"], TufRoles.Targets, keys).Delegations.Keys.Values)
        {
            _ = key.Key;
        }

        _knownSigners = keys;
    }

    /// <summary>The verification alone: the same five files served from memory (as fetched in the set-up), no HTTP.</summary>
    [Benchmark]
    public ValueTask<ValidationOutcome> FirstVerificationFromMemory()
    {
        var verifier = new NotaryTrustVerifier(new Validators.NotaryV1.Tuf.InMemoryTrustStateStore(), TimeProvider.System);
        var request = new NotaryTrustRequest
        {
            Gun = _gun,
            TrustRoots = _definition.TrustRoots.OfType<Core.Trust.PublicKeyTrustRoot>().ToImmutableArray(),
            Tag = "signed",
        };
        return verifier.VerifyAsync(request, (role, _, _) => ValueTask.FromResult(_files.GetValueOrDefault(role)), CancellationToken.None);
    }

    /// <summary>
    /// The four measurements interleaved (a random order in each round, so load on a shared machine falls on all alike):
    /// medians and quartiles, and the median per-round difference between a first validation and the server's answers.
    /// </summary>
    /// <param name="rounds">How many rounds.</param>
    /// <param name="knownSigners">Whether to add <see cref="FirstValidationKnownSigners"/>.</param>
    /// <param name="rootThenFour">Whether to add <see cref="ServerRootThenFourInParallel"/>.</param>
    public static async Task CompareAsync(int rounds, bool knownSigners = false, bool rootThenFour = false)
    {
        var bench = new NotaryColdPathBenchmarks();
        bench.Setup();
        var names = new List<string> { "server, 5 files sequential (baseline)", "server, 5 files in the validator's schedule", "first validation", "verification alone, from memory" };
        var runs = new List<Func<Task>>
        {
            () => bench.ServerFiveFilesSequential(),
            () => bench.ServerFiveFilesInValidatorSchedule(),
            () => bench.FirstValidation().AsTask(),
            () => bench.FirstVerificationFromMemory().AsTask(),
        };
        if (knownSigners)
        {
            names.Add("first validation, signers' keys known");
            runs.Add(() => bench.FirstValidationKnownSigners().AsTask());
        }

        if (rootThenFour)
        {
            names.Add("server, root; the other 4 in parallel");
            runs.Add(() => bench.ServerRootThenFourInParallel());
        }

        var known = names.IndexOf("first validation, signers' keys known");

        var times = names.Select(_ => new List<double>()).ToArray();
        var random = new Random(14);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var i in Enumerable.Range(0, runs.Count).OrderBy(_ => random.Next()))
            {
                if (i == known)
                {
                    bench.PrepareKnownSigners();
                }

                var clock = Stopwatch.StartNew();
                await runs[i]();
                times[i].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        static double Quantile(IEnumerable<double> values, double q)
        {
            var sorted = values.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        }

        var baseline = Quantile(times[0], 0.5);
        Console.WriteLine($"{rounds} rounds, interleaved; median [p25–p75], ratio of medians to the baseline");
        for (var i = 0; i < names.Count; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {names[i],-45} {Quantile(times[i], 0.5),7:F2} ms [{Quantile(times[i], 0.25):F2}–{Quantile(times[i], 0.75):F2}]  {Quantile(times[i], 0.5) / baseline:F2}×"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  first validation − baseline, median of the per-round differences: {Quantile(times[2].Zip(times[0], (v, b) => v - b), 0.5):F2} ms"));
        if (knownSigners)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  first validation, signers' keys known − baseline, median of the per-round differences: {Quantile(times[known].Zip(times[0], (v, b) => v - b), 0.5):F2} ms"));
        }

        bench.Cleanup();
    }

    /// <summary>Prints one traced first validation: when each file was asked for and arrived, relative to the start.</summary>
    public static async Task TraceAsync(int runs)
    {
        var bench = new NotaryColdPathBenchmarks();
        bench.Setup();
        for (var run = 0; run < runs; run++)
        {
            var events = new List<string>();
            var clock = Stopwatch.StartNew();
            var fetch = new NotaryTrustDataFetch(bench._client, bench._gun);
            NotaryRoleFetcher traced = async (role, length, ct) =>
            {
                var asked = clock.Elapsed.TotalMilliseconds;
                var body = await fetch.FetchAsync(role, length, ct);
                lock (events)
                {
                    events.Add(string.Create(CultureInfo.InvariantCulture, $"  {role,-17} asked {asked,6:F2} ms, arrived {clock.Elapsed.TotalMilliseconds,6:F2} ms ({body?.Length ?? 0} bytes)"));
                }

                return body;
            };
            var verifier = new NotaryTrustVerifier(new Validators.NotaryV1.Tuf.InMemoryTrustStateStore(), TimeProvider.System);
            var request = new NotaryTrustRequest
            {
                Gun = bench._gun,
                TrustRoots = bench._definition.TrustRoots.OfType<Core.Trust.PublicKeyTrustRoot>().ToImmutableArray(),
                Tag = "signed",
            };
            var outcome = await verifier.VerifyAsync(request, traced, CancellationToken.None);
            var total = clock.Elapsed.TotalMilliseconds;
            var sequential = Stopwatch.StartNew();
            await bench.ServerFiveFilesSequential();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: first validation {total:F2} ms ({outcome.GetType().Name}); the same five files, sequential, no verification: {sequential.Elapsed.TotalMilliseconds:F2} ms"));
            events.ForEach(Console.WriteLine);
        }

        bench.Cleanup();
    }

    private async Task<int> Fetch(string role) =>
        (await _client.GetAsync($"v2/{_gun}/_trust/tuf/{role}.json", _gun, 4 * 1024 * 1024, role, CancellationToken.None))?.Length ?? 0;
}
