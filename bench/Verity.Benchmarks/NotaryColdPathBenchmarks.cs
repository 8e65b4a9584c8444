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
    private static readonly string[] Files = ["root", "timestamp", "snapshot", "targets", "targets/releases"];

    private ServiceProvider _services = null!;
    private IAuthenticatedServerClientFactory _clients = null!;
    private NotaryV1ValidatorDefinition _definition = null!;
    private IAuthenticatedServerClient _client = null!;
    private ImageReference _image = null!;
    private string _gun = null!;
    private Dictionary<string, byte[]> _files = null!;

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
        _files = Files.ToDictionary(
            role => role,
            role => _client.GetAsync($"v2/{_gun}/_trust/tuf/{role}.json", _gun, 4 * 1024 * 1024, role, CancellationToken.None).AsTask().GetAwaiter().GetResult()!.Value.ToArray(),
            StringComparer.Ordinal);
        if (FirstValidation().AsTask().GetAwaiter().GetResult() is not ValidationOutcome.Trusted
            || FirstVerificationFromMemory().AsTask().GetAwaiter().GetResult() is not ValidationOutcome.Trusted)
        {
            throw new InvalidOperationException("test/app:signed does not validate against the test bed");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Baseline: the five files, one after the other, through the validator's client; no verification.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ServerFiveFilesSequential()
    {
        var total = 0;
        foreach (var role in Files)
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

    /// <summary>A first validation of the collection: everything fetched and verified, nothing kept from before.</summary>
    [Benchmark]
    public ValueTask<ValidationOutcome> FirstValidation()
    {
        var validator = new NotaryV1ValidatorFactory(_clients, TimeProvider.System).Create(_definition);
        return validator.ValidateAsync(_image, RuleOptions.Default, CancellationToken.None);
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
            var outcome = await verifier.VerifyAsync(request, new NotaryDelegationPrefetch(traced, []).FetchAsync, CancellationToken.None);
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
