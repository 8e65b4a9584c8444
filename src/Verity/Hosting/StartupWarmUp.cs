using System.Collections.Frozen;
using System.Diagnostics;
using System.Net.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Admission;
using Verity.Caching;
using Verity.Core.Cluster;
using Verity.Core.Configuration;
using Verity.Core.Images;
using Verity.Core.Validation;
using Verity.Logging;
using Verity.Metrics;
using Verity.Reports;

namespace Verity.Hosting;

/// <summary>
/// Warms the request path up before <c>GET /ready</c> says ready, so the first real AdmissionReview costs about what
/// later ones do.
/// </summary>
/// <remarks>
/// <para>Starts when the host starts (<see cref="IHostedLifecycleService.StartingAsync"/>, overlapping Kestrel's start) and
/// is waited for once the server listens (<see cref="IHostedLifecycleService.StartedAsync"/>, so <c>/health</c> already
/// answers and <c>/ready</c> answers 503) and before the host reports started. Three steps, concurrently, under one
/// deadline (<see cref="ServeOptions.WarmUpTimeout"/>):</para>
/// <list type="number">
/// <item>Synthetic AdmissionReviews (a Pod and a Deployment naming an image for every policy rule) through an
/// <see cref="AdmissionHandler"/> of its own: the real parsing, extraction, policy matching, verdict and JSON Patch
/// code, with stand-in validators (<see cref="WarmUpValidator"/>), its own verdict cache and metrics and no log, so
/// nothing a user sees (metrics, logs, cached verdicts, reports) changes.</item>
/// <item>Every validator of the configuration that can (<see cref="IValidatorWarmUp"/>) opens connections to its
/// servers through the clients its validations use: notaryv1 its Notary server, cosign the registries of its rules'
/// patterns (a pattern's registry with wildcards is filled in, so only literal registries are reached).</item>
/// <item>One <c>GET /health</c> to this server over its own TLS endpoint (Kestrel's TLS and HTTP code).</item>
/// </list>
/// <para>A step that fails or runs out of time is logged and does not hold readiness back: an unreachable Notary
/// server must not keep the webhook from answering (it will then deny what needs that server, as it would anyway).</para>
/// </remarks>
internal sealed class StartupWarmUp : IHostedLifecycleService, IDisposable
{
    private const int MaxImages = 16;

    private readonly IServiceProvider _services;
    private readonly PolicySnapshotProvider _snapshots;
    private readonly WarmUpState _state;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _started;
    private int _begun;
    private CancellationTokenSource? _deadline;
    private Task? _early;

    public StartupWarmUp(IServiceProvider services, PolicySnapshotProvider snapshots, WarmUpState state, TimeSpan timeout, TimeProvider time, ILogger<StartupWarmUp> logger)
    {
        _services = services;
        _snapshots = snapshots;
        _state = state;
        _timeout = timeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts the steps that do not need the server (synthetic reviews, validators) as early as the host allows,
    /// so they overlap Kestrel's start; <see cref="StartedAsync"/> waits for them.</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Begin();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts the steps that do not need the server, once: called as soon as the configuration's validators exist
    /// (<see cref="WebhookHost.Build"/>, so the validators' connections and the synthetic reviews overlap the rest of the
    /// host's construction and Kestrel's start), and again, without effect, when the host starts.
    /// </summary>
    public void Begin()
    {
        if (Interlocked.Exchange(ref _begun, 1) == 1)
        {
            return;
        }

        _started = _time.GetTimestamp();
        if (_timeout > TimeSpan.Zero && _snapshots.Current is { } snapshot)
        {
            _deadline = new CancellationTokenSource(_timeout, _time);
            var token = _deadline.Token;

            // On the thread pool: the host's start goes on at once (much of the synthetic reviews' work is synchronous).
            _early = Task.WhenAll(
                Task.Run(() => Step("admission", () => WarmAdmissionAsync(snapshot, token)), CancellationToken.None),
                Task.Run(() => Step("validators", () => WarmValidatorsAsync(snapshot, token)), CancellationToken.None));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_deadline is { } deadline && _early is { } early)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                await Task.WhenAll(early, Step("server", () => WarmServerAsync(linked.Token)));
            }
        }
        finally
        {
            Interlocked.Exchange(ref _deadline, null)?.Dispose();
            _state.Complete();
            Log.WarmUpCompleted(_logger, _time.GetElapsedTime(_started).TotalMilliseconds, System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        // A host built but never started (or stopped early) ends steps that are still running.
        if (Interlocked.Exchange(ref _deadline, null) is { } deadline)
        {
            deadline.Cancel();
            deadline.Dispose();
        }
    }

    /// <summary>One image per policy rule, matched by that rule: its pattern with every <c>*</c> filled in.</summary>
    internal static IReadOnlyList<string> ImagesFor(PolicySnapshot snapshot)
    {
        var images = new List<string>();
        foreach (var rule in snapshot.Policy.Rules)
        {
            var candidate = rule.Pattern.Original.Replace("*", "warmup", StringComparison.Ordinal);
            if (ImageReference.TryParse(candidate, out var reference, out _) && snapshot.Policy.FindRule(reference) is not null)
            {
                images.Add(candidate);
            }

            if (images.Count == MaxImages)
            {
                break;
            }
        }

        if (images.Count == 0)
        {
            images.Add("warmup.invalid/verity/warmup:1");
        }

        return images;
    }

    /// <summary>Synthetic AdmissionReviews (no namespace: no cluster lookups, no reports) for <paramref name="images"/>.</summary>
    internal static IEnumerable<byte[]> Reviews(IReadOnlyList<string> images)
    {
        string Containers(string prefix) => string.Join(',', images.Select((image, i) => $$"""{"name":"{{prefix}}{{i}}","image":{{JsonSerializer.Serialize(image, WarmUpJson.Default.String)}}}"""));
        const string Pod = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"verity-warm-up-pod","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","userInfo":{"username":"verity-warm-up"},"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"warm-up"},"spec":{"containers":[CONTAINERS],"initContainers":[INIT]}}}}""";
        const string Deployment = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"verity-warm-up-deployment","kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","userInfo":{"username":"verity-warm-up"},"object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"warm-up"},"spec":{"template":{"spec":{"containers":[CONTAINERS]}}}}}}""";
        yield return Encoding.UTF8.GetBytes(Pod.Replace("CONTAINERS", Containers("c"), StringComparison.Ordinal).Replace("INIT", Containers("i"), StringComparison.Ordinal));
        yield return Encoding.UTF8.GetBytes(Deployment.Replace("CONTAINERS", Containers("c"), StringComparison.Ordinal));
    }

    private async Task Step(string name, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (OperationCanceledException)
        {
            Log.WarmUpStepFailed(_logger, name, "it ran out of time");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A warm-up must never keep the server from becoming ready.
            Log.WarmUpStepFailed(_logger, name, e.Message);
        }
    }

    private async Task WarmAdmissionAsync(PolicySnapshot live, CancellationToken cancellationToken)
    {
        var validators = live.Policy.Rules
            .Select(r => r.Validator)
            .Distinct(StringComparer.Ordinal)
            .Select(name => live.FindValidator(name) is { } v ? new WarmUpValidator(v.Name, v.Type) : null)
            .OfType<IValidator>()
            .ToFrozenDictionary(v => v.Name, StringComparer.Ordinal);
        // The synthetic reviews must have no effect outside this process: no alerts, no policy reports, no API server reads.
        var quiet = live.Configuration with
        {
            Alerting = AlertingSettings.None,
            Features = live.Features with
            {
                PolicyReports = PolicyReportSettings.Off,
                NamespacedValidation = NamespacedValidationMode.Off,
                AutomaticChildApproval = false,
                DetectionModeOverrides = [],
            },
        };
        var snapshot = new PolicySnapshot(quiet, validators, live.LoadedAt, generation: -1);
        using var metrics = new VerityMetrics();
        var verifier = new ImageVerifier(NullLogger<ImageVerifier>.Instance, new VerdictCache(_time, 64), new VerificationFlights(TimeSpan.FromSeconds(5)), metrics);
        var handler = new AdmissionHandler(
            _snapshots, verifier, _services.GetRequiredService<AdmissionOptions>(), _time, NullLogger<AdmissionHandler>.Instance,
            _services.GetRequiredService<IClusterAccess>(), _services.GetRequiredService<NamespaceLabels>(),
            _services.GetRequiredService<PolicyReportWriter>(), metrics, _services.GetRequiredService<Alerting.AlertDispatcher>());
        var reviews = Reviews(ImagesFor(live)).ToArray();
        for (var round = 0; round < 3; round++)
        {
            foreach (var body in reviews)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var request = AdmissionRequest.Read(root.GetProperty("request"));
                var response = await handler.DecideAsync(request, snapshot, null, cancellationToken);
                _ = response.ToReviewJson(root.GetProperty("apiVersion").GetString()!);
            }
        }
    }

    private async Task WarmValidatorsAsync(PolicySnapshot snapshot, CancellationToken cancellationToken)
    {
        var imagesByValidator = new Dictionary<string, List<ImageReference>>(StringComparer.Ordinal);
        foreach (var rule in snapshot.Policy.Rules)
        {
            var images = imagesByValidator.TryGetValue(rule.Validator, out var known) ? known : imagesByValidator[rule.Validator] = [];
            if (ImageReference.TryParse(rule.Pattern.Original.Replace("*", "warmup", StringComparison.Ordinal), out var image, out _) && images.Count < MaxImages)
            {
                images.Add(image);
            }
        }

        await Task.WhenAll(imagesByValidator.Select(async pair =>
        {
            if (snapshot.FindValidator(pair.Key) is not { } validator || validator is not IValidatorWarmUp warmUp)
            {
                return;
            }

            var started = _time.GetTimestamp();
            string result;
            try
            {
                result = await warmUp.WarmUpAsync(pair.Value, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                result = "ran out of time";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = e.Message;
            }

            Log.ValidatorWarmedUp(_logger, validator.Name, validator.Type, result, _time.GetElapsedTime(started).TotalMilliseconds);
        }));
    }

    private async Task WarmServerAsync(CancellationToken cancellationToken)
    {
        var addresses = _services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (addresses.FirstOrDefault() is not { } first || !Uri.TryCreate(first, UriKind.Absolute, out var uri))
        {
            return;
        }

        var loopback = new UriBuilder(uri) { Host = uri.Host is "0.0.0.0" or "[::]" or "+" or "*" ? "127.0.0.1" : uri.Host, Path = "/health" }.Uri;
        var thumbprint = _services.GetRequiredService<CertificateProvider>().Current.GetCertHashString();
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Only this server is asked, and only for /health: its own certificate is the one to expect.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
            },
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(loopback, cancellationToken);
        Debug.Assert(response.IsSuccessStatusCode, "GET /health answers 200");
    }
}
