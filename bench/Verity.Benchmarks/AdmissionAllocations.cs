using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Verity.Admission;
using Verity.Core.Configuration;
using Verity.Core.Json;
using Verity.Workloads;

namespace Verity.Benchmarks;

/// <summary>
/// Where the bytes of one admission decision are allocated (they are what the server's garbage collections pay for under
/// load): the 3-container Deployment of <see cref="AdmissionBenchmarks"/>, each step run many times on one thread and
/// measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>, against the whole decision.
/// </summary>
internal static class AdmissionAllocations
{
    public static async Task RunAsync(int rounds)
    {
        using var provider = AdmissionBenchmarks.BuildServices();
        var snapshot = provider.GetRequiredService<PolicySnapshotProvider>().Current!;
        var handler = provider.GetRequiredService<AdmissionHandler>();
        var verifier = provider.GetRequiredService<ImageVerifier>();
        var body = AdmissionBenchmarks.DeploymentBody();
        using var document = JsonDocument.Parse(body);
        var request = AdmissionRequest.Read(document.RootElement.GetProperty("request"));
        var response = await handler.DecideAsync(request, snapshot, null, CancellationToken.None);

        var steps = new (string Name, Func<Task> Step)[]
        {
            ("whole decision (HandleAsync)", async () => await handler.HandleAsync(body, null, CancellationToken.None)),
            ("JsonDocument.Parse + Dispose", () => { JsonDocument.Parse(body).Dispose(); return Task.CompletedTask; }),
            ("JsonUnicode.FindInvalidString", () => { JsonUnicode.FindInvalidString(body, default); return Task.CompletedTask; }),
            ("AdmissionRequest.Read", () => { AdmissionRequest.Read(document.RootElement.GetProperty("request")); return Task.CompletedTask; }),
            ("DecideAsync", async () => await handler.DecideAsync(request, snapshot, null, CancellationToken.None)),
            ("ImageExtractor.Extract", () => { ImageExtractor.Extract(request.Object!.Value, request.Kind!); return Task.CompletedTask; }),
            ("ImageVerifier.VerifyAsync x3", async () =>
            {
                await verifier.VerifyAsync("nginx:1.27", snapshot, null, CancellationToken.None);
                await verifier.VerifyAsync("registry.k8s.io/pause:3.9", snapshot, null, CancellationToken.None);
                await verifier.VerifyAsync("ghcr.io/acme/app:2.1", snapshot, null, CancellationToken.None);
            }),
            ("AdmissionResponse.ToReviewJson", () => { response.ToReviewJson("admission.k8s.io/v1"); return Task.CompletedTask; }),
        };
        Console.WriteLine($"bytes allocated per call, mean of {rounds} calls after {rounds} warm-up calls, one thread:");
        foreach (var (name, step) in steps)
        {
            for (int i = 0; i < rounds; i++)
            {
                await step();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < rounds; i++)
            {
                await step();
            }

            long bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / rounds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes,8:N0} B  {name}"));
        }
    }
}
