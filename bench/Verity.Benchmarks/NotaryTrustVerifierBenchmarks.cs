using BenchmarkDotNet.Attributes;
using Verity.Core.Trust;
using Verity.Core.Validation;
using Verity.Validators.NotaryV1;
using Verity.Validators.NotaryV1.Tuf;

namespace Verity.Benchmarks;

/// <summary>
/// The cost of one Notary v1 verification without HTTP: real trust data made by the <c>notary</c> client (the test bed's
/// <c>test/app</c>: root, timestamp, snapshot, targets and two delegations, as its notary-server served them) served
/// from memory, resolving <c>signed</c> through <c>targets/releases</c>. The baseline verifies everything from scratch,
/// as every validation did before trust data was kept; the warm case is a validation after a first one, when the
/// timestamp is unchanged.
/// </summary>
/// <remarks>
/// The files come from <c>$TESTBED_NOTARY_TUF_DIR</c> (default <c>/tmp/verity-testbed/out/notary/test_app</c>, written by
/// <c>tests/harness/up.sh</c>), pinned to the <c>root-pub.pem</c> beside them. The Notary server's timestamp expires two
/// weeks after the test bed was started; an older test bed must be restarted (<c>up.sh --fresh</c>).
/// </remarks>
[MemoryDiagnoser]
public class NotaryTrustVerifierBenchmarks
{
    private static readonly string[] Roles = ["root", "timestamp", "snapshot", "targets", "targets/releases", "targets/alice"];

    private Dictionary<string, byte[]> _files = null!;
    private NotaryTrustRequest _request = null!;
    private NotaryRoleFetcher _fetch = null!;
    private NotaryTrustVerifier _warm = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var directory = Environment.GetEnvironmentVariable("TESTBED_NOTARY_TUF_DIR") is { Length: > 0 } configured
            ? configured
            : "/tmp/verity-testbed/out/notary/test_app";
        if (!File.Exists(Path.Combine(directory, "root.json")))
        {
            throw new InvalidOperationException($"no Notary trust data in {directory}: start the test bed (tests/harness/up.sh) or set TESTBED_NOTARY_TUF_DIR");
        }

        _files = Roles.ToDictionary(role => role, role => File.ReadAllBytes(Path.Combine(directory, role.Replace('/', '_') + ".json")), StringComparer.Ordinal);
        _fetch = (role, _, _) => ValueTask.FromResult(_files.GetValueOrDefault(role));
        _request = new NotaryTrustRequest
        {
            Gun = TestbedFile.Load()["TESTBED_NOTARY_GUN"],
            TrustRoots = [new PublicKeyTrustRoot("default", VerificationKey.Parse(File.ReadAllText(Path.Combine(directory, "root-pub.pem"))))],
            Tag = "signed",
        };
        _warm = new NotaryTrustVerifier(new InMemoryTrustStateStore(), TimeProvider.System);
        if (await FullVerification() is not ValidationOutcome.Trusted || await WarmVerification() is not ValidationOutcome.Trusted)
        {
            throw new InvalidOperationException($"the trust data in {directory} does not verify (expired? restart the test bed with up.sh --fresh)");
        }
    }

    /// <summary>Baseline: everything fetched (from memory), parsed and verified, as a first validation does.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<ValidationOutcome> FullVerification()
    {
        var verifier = new NotaryTrustVerifier(new InMemoryTrustStateStore(), TimeProvider.System);
        return verifier.VerifyAsync(_request, _fetch, CancellationToken.None);
    }

    /// <summary>A later validation: the timestamp is fetched, has the same bytes, and everything verified before is reused.</summary>
    [Benchmark]
    public ValueTask<ValidationOutcome> WarmVerification() => _warm.VerifyAsync(_request, _fetch, CancellationToken.None);
}
