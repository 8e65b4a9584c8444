using System.Text.Json;
using Verity.Alerting;
using Verity.Core.Cluster;
using Verity.Core.Configuration;
using Verity.Core.Json;
using Verity.Logging;
using Verity.Metrics;
using Verity.Reports;
using Verity.Workloads;

namespace Verity.Admission;

/// <summary>
/// An AdmissionReview in, an AdmissionReview out: the whole admission decision, independent of HTTP.
/// </summary>
/// <remarks>
/// <para>Flow (see docs/architecture.md):</para>
/// <list type="number">
/// <item>Malformed JSON, or a missing or null <c>request</c>, is answered with HTTP 400, never an admit.</item>
/// <item>Operations other than CREATE and UPDATE, and kinds that do not make Pods, are admitted untouched.</item>
/// <item>An UPDATE whose old object is marked for deletion is admitted (so finalizers can be removed).</item>
/// <item>Every image of containers, init and ephemeral containers is found with its JSON pointer; each
/// distinct image string is verified once, all in parallel, under one deadline.</item>
/// <item>All trusted: admit, with a JSON Patch pinning each tag to its trusted digest. Any denied: deny,
/// naming every failing image and why. Then <c>resourceValidationMode: podsOnly</c> and detection mode
/// may turn a denial into an admission with warnings.</item>
/// <item>Alerts go out before that last step, as in Connaisseur: an admission to <c>alerting.admitRequest</c>, a
/// denial (also one detection mode will admit) to <c>alerting.rejectRequest</c>. A <c>failIfAlertSendingFails</c>
/// receiver that cannot be told within the deadline turns the decision into a denial naming it.</item>
/// </list>
/// </remarks>
internal sealed class AdmissionHandler
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128 };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 128 };

    /// <summary>The longest the owner of a child may take to read before the child is validated instead.</summary>
    private static readonly TimeSpan OwnerLookupTimeout = TimeSpan.FromSeconds(3);

    private readonly PolicySnapshotProvider _snapshots;
    private readonly ImageVerifier _verifier;
    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AdmissionHandler> _logger;
    private readonly IClusterAccess _cluster;
    private readonly NamespaceLabels _namespaces;
    private readonly PolicyReportWriter _reports;
    private readonly VerityMetrics _metrics;
    private readonly AlertDispatcher _alerts;

    public AdmissionHandler(
        PolicySnapshotProvider snapshots,
        ImageVerifier verifier,
        AdmissionOptions options,
        TimeProvider time,
        ILogger<AdmissionHandler> logger,
        IClusterAccess cluster,
        NamespaceLabels namespaces,
        PolicyReportWriter reports,
        VerityMetrics metrics,
        AlertDispatcher alerts)
    {
        _metrics = metrics;
        _alerts = alerts;
        _snapshots = snapshots;
        _verifier = verifier;
        _options = options;
        _time = time;
        _logger = logger;
        _cluster = cluster;
        _namespaces = namespaces;
        _reports = reports;
    }

    /// <summary>Handles one AdmissionReview body.</summary>
    /// <param name="body">The request body (UTF-8 JSON).</param>
    /// <param name="requestTimeout">The API server's own timeout (its <c>?timeout=</c> parameter), if known.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away or the server stops.</param>
    public async Task<AdmissionResult> HandleAsync(ReadOnlyMemory<byte> body, TimeSpan? requestTimeout, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            Log.MalformedRequest(_logger, "invalid JSON");
            return AdmissionResult.Error(400, $"received invalid json: {e.Message}");
        }

        using (document)
        {
            // Strings are read all through the decision (uid, kind, images, owners); text that is not Unicode, which no
            // API server sends, is refused here rather than failing wherever a reader meets it.
            if (JsonUnicode.FindInvalidString(body.Span, ReaderOptions) is { } offset)
            {
                Log.MalformedRequest(_logger, "a string is not valid Unicode");
                return AdmissionResult.Error(400, $"received invalid json: the string at byte {offset} is not valid Unicode (not UTF-8, or a lone surrogate escape)");
            }

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("request", out var requestElement)
                || requestElement.ValueKind != JsonValueKind.Object)
            {
                Log.MalformedRequest(_logger, "no request object");
                return AdmissionResult.Error(400, "received empty admission request");
            }

            var apiVersion = root.TryGetProperty("apiVersion", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : "admission.k8s.io/v1";
            if (apiVersion is not ("admission.k8s.io/v1" or "admission.k8s.io/v1beta1"))
            {
                Log.MalformedRequest(_logger, "unsupported apiVersion");
                return AdmissionResult.Error(400, $"unsupported AdmissionReview apiVersion \"{apiVersion}\" (admission.k8s.io/v1 or v1beta1)");
            }

            var snapshot = _snapshots.Current;
            if (snapshot is null)
            {
                return AdmissionResult.Error(503, "Verity has no valid configuration loaded");
            }

            var request = AdmissionRequest.Read(requestElement);
            var started = _time.GetTimestamp();
            var response = await DecideAsync(request, snapshot, requestTimeout, cancellationToken);
            _metrics.RequestDecided(response.Allowed, response.TimedOut, _time.GetElapsedTime(started));
            return new AdmissionResult(200, response.ToReviewJson(apiVersion), "application/json");
        }
    }

    /// <summary>Decides about a parsed request under <paramref name="snapshot"/>.</summary>
    public async Task<AdmissionResponse> DecideAsync(
        AdmissionRequest request, PolicySnapshot snapshot, TimeSpan? requestTimeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var timeout = requestTimeout is { } t && t > TimeSpan.FromSeconds(2) && t - TimeSpan.FromSeconds(1) < _options.Timeout
            ? t - TimeSpan.FromSeconds(1)
            : _options.Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        if (request.Operation is not ("CREATE" or "UPDATE"))
        {
            if (request.Operation is null)
            {
                return await FinishAsync(request, snapshot, Deny(request, "error decoding new workload object: the request has no operation"), 0, started, Invalid(request), null, deadline.Token);
            }

            Log.NotValidated(_logger, request.Uid, request.Operation, request.Kind, request.Namespace, request.Name, $"operation {request.Operation}");
            return Allow(request);
        }

        if (request.Kind is null)
        {
            return await FinishAsync(request, snapshot, Deny(request, "error decoding new workload object: the request has no kind"), 0, started, Invalid(request), null, deadline.Token);
        }

        if (WorkloadKind.PodSpecPath(request.Kind) is null)
        {
            Log.NotValidated(_logger, request.Uid, request.Operation, request.Kind, request.Namespace, request.Name, $"kind {request.Kind} makes no pods");
            return Allow(request);
        }

        if (request.Operation == "UPDATE" && AdmissionRequest.IsMarkedForDeletion(request.OldObject))
        {
            Log.NotValidated(_logger, request.Uid, request.Operation, request.Kind, request.Namespace, request.Name, "already marked for deletion");

            // Connaisseur counts the deletion short-cut as a success: admit receivers hear of it.
            var deleting = new AlertEvent { Result = AlertResult.Success, RequestId = request.Uid, Namespace = request.Namespace ?? string.Empty };
            return await FinishAsync(request, snapshot, Allow(request), 0, started, deleting, null, deadline.Token);
        }

        var features = snapshot.Features;

        // Namespace labels: for namespaced validation (applied here too, not only by the webhook's selector) and for
        // per-namespace detection mode. A failed lookup never skips validation and never relaxes to audit.
        IReadOnlyDictionary<string, string>? labels = null;
        bool labelsKnown = false;
        if (request.Namespace is { } ns && (features.NamespacedValidation != NamespacedValidationMode.Off || features.OverridesNeedLabels))
        {
            try
            {
                labels = await _namespaces.GetAsync(ns, deadline.Token) ?? System.Collections.Immutable.ImmutableDictionary<string, string>.Empty;
                labelsKnown = true;
            }
            catch (Exception e) when (e is ClusterAccessException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Log.ClusterLookupFailed(_logger, request.Uid, $"the labels of namespace \"{ns}\"", e.Message, "validating and enforcing");
            }

            if (labelsKnown && NamespaceExclusion(features.NamespacedValidation, labels!) is { } why)
            {
                Log.NamespaceSkipped(_logger, request.Uid, request.Kind, request.Namespace, request.Name, why);
                return Allow(request);
            }
        }

        bool audit = labelsKnown || !features.OverridesNeedLabels
            ? features.IsDetectionMode(request.Namespace ?? string.Empty, labels)
            : false;

        List<ContainerImage> images;
        HashSet<string>? oldImages = null;
        try
        {
            images = ImageExtractor.Extract(request.Object ?? default, request.Kind);
        }
        catch (WorkloadException e)
        {
            return await FinishAsync(request, snapshot, Deny(request, $"error decoding new workload object: {e.Message}"), 0, started, Invalid(request), null, deadline.Token);
        }

        if (request.Operation == "UPDATE")
        {
            try
            {
                oldImages = [.. ImageExtractor.Extract(request.OldObject ?? default, request.Kind, allowEmpty: true).Select(i => i.Image)];
            }
            catch (WorkloadException e)
            {
                return await FinishAsync(request, snapshot, Deny(request, $"error decoding old workload object: {e.Message}"), 0, started, Invalid(request), null, deadline.Token);
            }
        }

        var distinct = images.Select(i => i.Image).Distinct(StringComparer.Ordinal).ToArray();
        var ownerImages = features.AutomaticChildApproval ? await OwnerImagesAsync(request, distinct, deadline.Token, cancellationToken) : null;
        bool unchangedApproval = features.AutomaticUnchangedApproval && oldImages is not null;
        var tasks = new Task<ImageVerdict>[distinct.Length];
        for (int i = 0; i < distinct.Length; i++)
        {
            var image = distinct[i];
            var skip = unchangedApproval && oldImages!.Contains(image) ? ImageVerifier.UnchangedImage
                : ownerImages?.Contains(image) == true ? ImageVerifier.ChildOfApprovedOwner
                : null;
            tasks[i] = _verifier.VerifyAsync(image, snapshot, skip, deadline.Token);
        }

        var verdicts = await Task.WhenAll(tasks);
        foreach (var verdict in verdicts)
        {
            _metrics.ImageDecided(verdict.ValidatorType, verdict.Validator ?? string.Empty, verdict.Allowed, verdict.FromCache ? "cache hit" : verdict.Skipped, verdict.TimedOut);
            Log.ImageDecision(
                _logger, verdict.Image, request.Kind, request.Namespace, request.Name, request.User,
                (verdict.Allowed ? (verdict.Skipped is null ? "trusted" : "skipped") : "denied") + (verdict.FromCache ? " (cache hit)" : string.Empty),
                verdict.Rule?.Pattern.Original, verdict.Validator, verdict.ValidatorType, verdict.Reason,
                verdict.Digest?.Value, verdict.Skipped);
        }

        AdmissionResponse response;
        AlertEvent alert;
        var denied = verdicts.Where(v => !v.Allowed).ToArray();
        if (denied.Length > 0)
        {
            var message = string.Join("; ", denied.Select(d => d.DenialMessage));
            bool timedOut = denied.Any(d => d.TimedOut) && !cancellationToken.IsCancellationRequested;
            if (timedOut)
            {
                int done = verdicts.Count(v => !v.TimedOut);
                Log.RequestTimedOut(_logger, request.Uid, done, verdicts.Length);
                message = $"validation of admission request {request.Uid} timed out after validating {done}/{verdicts.Length} images: {message}";
            }

            response = Deny(request, message) with { TimedOut = denied.Any(d => d.TimedOut) };
            alert = new AlertEvent
            {
                Result = timedOut ? AlertResult.Timeout : AlertResult.Error,
                RequestId = request.Uid,
                Namespace = request.Namespace ?? string.Empty,
                Images = timedOut ? [] : [.. denied.Select(d => d.Image)],
                Error = message,
            };
        }
        else
        {
            var byImage = verdicts.ToDictionary(v => v.Image, StringComparer.Ordinal);
            var patches = new List<KeyValuePair<string, string>>();
            var patched = new List<string>();
            foreach (var container in images)
            {
                if (byImage[container.Image].PatchValue is { } value && value != container.Image)
                {
                    patches.Add(new(container.Path, value));
                    patched.Add(container.Image);
                }
            }

            response = new AdmissionResponse { Uid = request.Uid, Allowed = true, Patches = patches };

            // As Connaisseur: "images" lists the patched images, once per container; "skip" when nothing was validated.
            alert = new AlertEvent
            {
                Result = verdicts.All(v => v.Skipped is not null) ? AlertResult.Skip : AlertResult.Success,
                RequestId = request.Uid,
                Namespace = request.Namespace ?? string.Empty,
                Images = patched,
            };
        }

        if (features.PolicyReports.Enabled && !request.DryRun && request.Namespace is { } reportNamespace && (audit || features.PolicyReports.IncludeEnforced))
        {
            var now = _time.GetUtcNow();
            _reports.Record(reportNamespace, verdicts.Select(v => new PolicyReportResult
            {
                Rule = v.Rule?.Pattern.Original ?? "none",
                Result = !v.Allowed ? "fail" : v.Skipped is null ? "pass" : "skip",
                Message = v.Allowed ? v.Skipped ?? v.Reason ?? "trusted" : v.DenialMessage,
                Kind = request.Kind ?? "unknown",
                Name = request.Name ?? string.Empty,
                Image = v.Image,
                Validator = v.Validator,
                Timestamp = now,
            }), features.PolicyReports.MaxResultsPerNamespace);
        }

        return await FinishAsync(request, snapshot, response, verdicts.Length, started, alert, audit, deadline.Token);
    }

    /// <summary>
    /// The images of the object's controlling owner, read through the cluster, when the object is a Pod, ReplicaSet or
    /// Job and the owner is the one its <c>ownerReferences</c> names (same UID); null otherwise, and on any failure,
    /// so that the images are validated.
    /// </summary>
    private async Task<IReadOnlySet<string>?> OwnerImagesAsync(AdmissionRequest request, string[] images, CancellationToken deadline, CancellationToken cancellationToken)
    {
        if (request.Kind is not ("Pod" or "ReplicaSet" or "Job") || request.Namespace is not { } ns || OwnerReferences.Controller(request.Object) is not { } owner)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        timeout.CancelAfter(OwnerLookupTimeout);
        var what = $"owner {owner.Kind} \"{owner.Name}\"";
        try
        {
            var workload = await _cluster.GetWorkloadAsync(ns, owner, timeout.Token);
            if (workload is null)
            {
                Log.ClusterLookupFailed(_logger, request.Uid, what, "not found", "validating the images");
                return null;
            }

            if (!string.Equals(workload.Uid, owner.Uid, StringComparison.Ordinal))
            {
                Log.ClusterLookupFailed(_logger, request.Uid, what, $"its UID {workload.Uid} is not the UID {owner.Uid} the object names", "validating the images");
                return null;
            }

            // Logged for the request's own images the owner carries, not for every image of the owner.
            foreach (var image in images.Where(workload.Images.Contains))
            {
                Log.ChildApproved(_logger, request.Uid, image, request.Kind, request.Namespace, request.Name, owner.Kind, owner.Name);
            }

            return workload.Images;
        }
        catch (Exception e) when (e is ClusterAccessException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.ClusterLookupFailed(_logger, request.Uid, what, e is OperationCanceledException ? "timed out" : e.Message, "validating the images");
            return null;
        }
    }

    /// <summary>Why a namespace is left out by <c>namespacedValidation</c>, or null when it is validated.</summary>
    private static string? NamespaceExclusion(NamespacedValidationMode mode, IReadOnlyDictionary<string, string> labels)
    {
        string? Label(string key) => labels.TryGetValue(key, out var value) ? value : null;
        var values = new[] { Label(NamespaceLabelKeys.Connaisseur), Label(NamespaceLabelKeys.Verity) };
        return mode switch
        {
            NamespacedValidationMode.Ignore when values.Contains("ignore") => "labelled ignore",
            NamespacedValidationMode.Validate when !values.Contains("validate") => "not labelled validate",
            _ => null,
        };
    }

    private static AlertEvent Invalid(AdmissionRequest request) =>
        new() { Result = AlertResult.Invalid, RequestId = request.Uid, Namespace = request.Namespace ?? string.Empty };

    private async Task<AdmissionResponse> FinishAsync(
        AdmissionRequest request, PolicySnapshot snapshot, AdmissionResponse response, int images, long started,
        AlertEvent alert, bool? detectionMode, CancellationToken deadline)
    {
        var features = snapshot.Features;

        // Alerts describe the decision before podsOnly and detection mode relax it (Connaisseur's order), so a denial
        // that detection mode admits still reaches the reject receivers.
        if (await _alerts.DispatchAsync(snapshot, alert, deadline) is { } failure)
        {
            Log.AlertDenied(_logger, request.Uid, failure);
            response = response.Allowed
                ? Deny(request, failure)
                : response with { Message = $"{response.Message}; {failure}", Patches = [] };
        }

        // podsOnly: other kinds are admitted and never mutated; their denial becomes a warning.
        if (features.ResourceValidationMode == ResourceValidationMode.PodsOnly && request.Kind != "Pod")
        {
            response = response with
            {
                Allowed = true,
                Patches = [],
                Warnings = response.Allowed ? [] : ["pod-only validation active", response.Message ?? string.Empty],
            };
        }
        else if ((detectionMode ?? features.DetectionMode) && !response.Allowed)
        {
            response = response with { Allowed = true, Warnings = ["detection mode active", response.Message ?? string.Empty] };
        }

        Log.RequestDecision(
            _logger, request.Uid, request.Operation, request.Kind, request.Namespace, request.Name, request.User,
            response.Allowed ? (response.Warnings.Count > 0 ? "admitted with warnings" : "admitted") : "denied",
            response.Message is null ? string.Empty : ": " + response.Message,
            images, response.Patches.Count > 0, _time.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }

    private static AdmissionResponse Allow(AdmissionRequest request) => new() { Uid = request.Uid, Allowed = true };

    private static AdmissionResponse Deny(AdmissionRequest request, string message) =>
        new() { Uid = request.Uid, Allowed = false, Message = message };
}
