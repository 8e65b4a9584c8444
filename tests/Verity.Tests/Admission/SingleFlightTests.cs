using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Policy;
using Verity.Core.Validation;
using Verity.Hosting;

namespace Verity.Tests.Admission;

/// <summary>Identical concurrent verifications share one validator call.</summary>
public sealed class SingleFlightTests
{
    private const string Digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    private const string Config = """
        validators:
          - name: gated
            type: gated
        policy:
          - pattern: "*:*"
            validator: gated
        features:
          cache:
            expirySeconds: 30
            cacheErrors: false
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThousandConcurrentVerifications_OfOneUncachedImage_CallTheValidatorOnce()
    {
        var type = new GatedValidatorType();
        using var fixture = new AdmissionFixture(Config, configure: s => s.AddValidatorType(type));
        var snapshot = fixture.Snapshots.Current!;

        var verdicts = Enumerable.Range(0, 1000).Select(_ => fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, Ct)).ToArray();
        await type.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        type.Gate.SetResult(new ValidationOutcome.Trusted(Core.Images.Digest.Parse(Digest)));
        var all = await Task.WhenAll(verdicts);

        Assert.Equal(1, type.Calls);
        Assert.All(all, v => Assert.True(v.Allowed));
        Assert.All(all, v => Assert.Equal(Digest, v.Digest?.Value));
    }

    [Fact]
    public async Task OneWaiterGivingUp_DoesNotCancelTheSharedVerification()
    {
        var type = new GatedValidatorType();
        using var fixture = new AdmissionFixture(Config, configure: s => s.AddValidatorType(type));
        var snapshot = fixture.Snapshots.Current!;
        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var first = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, impatient.Token);
        await type.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var second = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, Ct);
        await impatient.CancelAsync();
        var gaveUp = await first;
        type.Gate.SetResult(new ValidationOutcome.Trusted(Core.Images.Digest.Parse(Digest)));

        Assert.True(gaveUp.TimedOut);
        Assert.True((await second).Allowed);
        Assert.Equal(1, type.Calls);
    }

    [Fact]
    public async Task EveryWaiterGivingUp_CancelsTheSharedVerification_AndALaterRequestStartsAnew()
    {
        var type = new GatedValidatorType();
        using var fixture = new AdmissionFixture(Config, configure: s => s.AddValidatorType(type));
        var snapshot = fixture.Snapshots.Current!;
        using var first = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var second = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var a = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, first.Token);
        await type.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var b = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, second.Token);
        await first.CancelAsync();
        Assert.True((await a).TimedOut);
        Assert.False(type.Cancelled.Task.IsCompleted);

        await second.CancelAsync();
        Assert.True((await b).TimedOut);
        Assert.Equal(0, fixture.Services.GetRequiredService<Verity.Caching.VerificationFlights>().Count);
        await type.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, type.Calls);

        type.Reset();
        var later = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, Ct);
        await type.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        type.Gate.SetResult(new ValidationOutcome.Trusted(Core.Images.Digest.Parse(Digest)));
        Assert.True((await later).Allowed);
        Assert.Equal(2, type.Calls);
    }

    [Fact]
    public async Task Flights_LastWaiterLeaving_CancelsTheVerificationToken()
    {
        var flights = new Verity.Caching.VerificationFlights(TimeSpan.FromMinutes(1));
        var key = new Verity.Caching.VerdictKey(1, 0, "v", "i");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var second = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        async ValueTask<ValidationOutcome> Verify(CancellationToken token)
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                cancelled.TrySetResult();
                throw;
            }

            throw new InvalidOperationException("unreachable");
        }

        var a = flights.RunAsync(key, Verify, first.Token);
        var b = flights.RunAsync(key, Verify, second.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        Assert.False(cancelled.Task.IsCompleted);
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, flights.Count);
    }

    [Fact]
    public async Task FailedFlight_ReachesItsWaitersOnly_AndIsNeverReused()
    {
        var type = new GatedValidatorType();
        using var fixture = new AdmissionFixture(Config, configure: s => s.AddValidatorType(type));
        var snapshot = fixture.Snapshots.Current!;

        var a = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, Ct);
        var b = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, Ct);
        await type.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        type.Gate.SetException(new ValidationException("registry down"));

        Assert.Contains("registry down", (await a).Reason, StringComparison.Ordinal);
        Assert.Contains("registry down", (await b).Reason, StringComparison.Ordinal);
        Assert.Equal(1, type.Calls);

        type.Reset();
        var later = fixture.Verifier.VerifyAsync("my.reg/app:1", snapshot, null, Ct);
        await type.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        type.Gate.SetResult(new ValidationOutcome.Trusted(Core.Images.Digest.Parse(Digest)));
        Assert.True((await later).Allowed);
        Assert.Equal(2, type.Calls);
    }

    /// <summary><c>type: gated</c>: every validation waits for the test to open <see cref="Gate"/>.</summary>
    private sealed class GatedValidatorType : ValidatorType<GatedValidatorType.Definition, RuleOptions>
    {
        private int _calls;

        public override string Name => "gated";

        public int Calls => Volatile.Read(ref _calls);

        public TaskCompletionSource Started { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ValidationOutcome> Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set when a validation stopped because its own token was cancelled.</summary>
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reset()
        {
            Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public override Definition? ReadValidator(string name, ConfigSection section) => new() { Name = name };

        public override RuleOptions? ReadRuleOptions(ConfigSection with, Definition validator) => RuleOptions.Default;

        public override IValidator Create(Definition definition, IServiceProvider services) => new Validator(this, definition.Name);

        internal sealed record Definition : ValidatorDefinition
        {
            public override string Type => "gated";
        }

        private sealed class Validator(GatedValidatorType type, string name) : IValidator
        {
            public string Name => name;

            public string Type => "gated";

            public bool IsCacheable => true;

            public async ValueTask<ValidationOutcome> ValidateAsync(ImageReference image, RuleOptions options, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref type._calls);
                type.Started.TrySetResult();
                try
                {
                    return await type.Gate.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    type.Cancelled.TrySetResult();
                    throw;
                }
            }
        }
    }
}
