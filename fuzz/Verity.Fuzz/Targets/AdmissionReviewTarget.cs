using System.Text.Json;
using Verity.Admission;
using Verity.Core.Configuration;

namespace Verity.Fuzz.Targets;

/// <summary>
/// An AdmissionReview body as <c>POST /mutate</c> hands it to the handler: JSON parsing, the request's fields, image
/// extraction for every workload kind, image-reference parsing, rule matching and the response, under a policy of
/// static validators (no I/O) with Verity's default features.
/// </summary>
internal sealed class AdmissionReviewTarget : FuzzTarget, IDisposable
{
    private const string Policy = """
        validators:
          - name: allow
            type: static
            approve: true
          - name: deny
            type: static
            approve: false
        policy:
          - pattern: "*:*"
            validator: deny
          - pattern: "docker.io/library/*:*"
            validator: allow
          - pattern: "registry.k8s.io/*@sha256:*"
            validator: allow
        """;

    private readonly VerityServices _services = new();
    private readonly AdmissionHandler _handler;

    public AdmissionReviewTarget()
    {
        var snapshots = _services.Get<PolicySnapshotProvider>();
        snapshots.Use(snapshots.Loader.Parse(Policy, "fuzz.yaml"));
        _handler = _services.Get<AdmissionHandler>();
    }

    public override string Name => "admission-review";

    public override string EntryPoint => "AdmissionHandler.HandleAsync (AdmissionRequest.Read, ImageExtractor.Extract, ImageReference.TryParse, ImagePolicy.FindRule, AdmissionResponse.ToReviewJson)";

    public override string Outcomes => "an AdmissionReview (HTTP 200) whose response has the request's uid, or an HTTP 400 error; never an exception";

    public override string Dictionary => "admission";

    public override void Run(ReadOnlySpan<byte> input)
    {
        // The handler is asynchronous; a fuzz iteration is one synchronous call, and static validators complete at once.
        var result = _handler.HandleAsync(input.ToArray(), null, CancellationToken.None).GetAwaiter().GetResult();
        if (result.StatusCode == 400)
        {
            return;
        }

        if (result.StatusCode != 200)
        {
            throw new FuzzInvariantException($"HTTP {result.StatusCode}: {System.Text.Encoding.UTF8.GetString(result.Body)}");
        }

        try
        {
            using var review = JsonDocument.Parse(result.Body);
            var response = review.RootElement.GetProperty("response");
            if (response.GetProperty("allowed").ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new FuzzInvariantException("the response has no allowed decision");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FuzzInvariantException($"the AdmissionReview answered is not well-formed: {e.Message}", e);
        }
    }

    public void Dispose() => _services.Dispose();
}
